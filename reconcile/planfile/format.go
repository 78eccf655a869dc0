package planfile

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/trip-assistant/stack/reconcile"
)

// Format names the document; FormatVersion is its version, raised whenever
// a reader of the previous version would misread a file. A reader refuses
// a version it does not know rather than guess.
const (
	Format        = "reconcile-plan"
	FormatVersion = 1
)

// File is a saved plan and what it was made from.
type File struct {
	// ToolVersion is the reconcile that made it, for messages.
	ToolVersion string
	Created     time.Time
	Basis       Basis
	Plan        *reconcile.Plan

	// secrets are the sensitive inputs' values of a file New made, never
	// saved: Encode refuses a document that holds one.
	secrets []secretValue
}

// document is the file's JSON, format version 1.
type document struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	ToolVersion   string    `json:"tool_version"`
	Created       time.Time `json:"created"`
	Basis         Basis     `json:"basis"`
	Plan          planDoc   `json:"plan"`
}

type planDoc struct {
	Stack       string                `json:"stack"`
	Region      string                `json:"region"`
	Destroy     bool                  `json:"destroy,omitempty"`
	Changes     []changeDoc           `json:"changes"`
	Unmanaged   []reconcile.Unmanaged `json:"unmanaged,omitempty"`
	Neighbours  map[string]int        `json:"neighbours,omitempty"`
	Outputs     map[string]value      `json:"outputs,omitempty"`
	Errors      []string              `json:"errors,omitempty"`
	Targets     []string              `json:"targets,omitempty"`
	Excluded    []string              `json:"excluded,omitempty"`
	SpecDigest  string                `json:"spec_digest"`
	StateSerial int64                 `json:"state_serial"`
}

type changeDoc struct {
	Name      string           `json:"name"`
	Type      string           `json:"type"`
	ID        string           `json:"id,omitempty"`
	Action    reconcile.Action `json:"action"`
	Class     reconcile.Class  `json:"class,omitempty"`
	Diff      []fieldDiffDoc   `json:"diff,omitempty"`
	Deps      []string         `json:"depends_on,omitempty"`
	Protect   bool             `json:"protect,omitempty"`
	Data      bool             `json:"data,omitempty"`
	MovedFrom string           `json:"moved_from,omitempty"`
	// NotCompared is carried so that apply refuses such a plan however
	// it was saved.
	NotCompared []reconcile.NotCompared `json:"not_compared,omitempty"`
	InSpec      bool                    `json:"in_spec,omitempty"`
	StateStale  bool                    `json:"state_stale,omitempty"`
	Desired     map[string]value        `json:"desired,omitempty"`
	Live        observationDoc          `json:"live"`
}

type fieldDiffDoc struct {
	Path      string `json:"path"`
	Before    value  `json:"before"`
	After     value  `json:"after"`
	Sensitive bool   `json:"sensitive,omitempty"`
	ForceNew  bool   `json:"force_new,omitempty"`
}

type observationDoc struct {
	Exists bool              `json:"exists,omitempty"`
	ID     string            `json:"id,omitempty"`
	Props  map[string]value  `json:"props,omitempty"`
	Attrs  map[string]string `json:"attrs,omitempty"`
}

// Encode writes f, compressed.
func Encode(w io.Writer, f *File) error {
	d, err := toDocument(f)
	if err != nil {
		return err
	}
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(d); err != nil {
		return fmt.Errorf("cannot write the plan: %w", err)
	}
	// The plan keeps secrets as digests by construction; this proves it
	// for the values at hand before anything reaches the disk.
	for _, s := range f.secrets {
		if s.value != "" && (bytes.Contains(body.Bytes(), []byte(s.value)) || bytes.Contains(body.Bytes(), jsonText(s.value))) {
			return fmt.Errorf("cannot write the plan: it would hold the value of the sensitive input %s", s.input)
		}
	}
	zw := gzip.NewWriter(w)
	if _, err := zw.Write(body.Bytes()); err != nil {
		return fmt.Errorf("cannot write the plan: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("cannot write the plan: %w", err)
	}
	return nil
}

// Decode reads a file Encode wrote. Its errors say what the bytes are not.
func Decode(r io.Reader) (*File, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("not a saved plan (reconcile plan --out writes one): %w", err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("the saved plan is damaged: %w", err)
	}
	var head struct {
		Format        string `json:"format"`
		FormatVersion int    `json:"format_version"`
		ToolVersion   string `json:"tool_version"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, fmt.Errorf("the saved plan is damaged: %w", err)
	}
	if head.Format != Format {
		return nil, fmt.Errorf("not a saved plan: its format is %q, not %q", head.Format, Format)
	}
	if head.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("the saved plan is in format version %d (written by reconcile %s); this reconcile reads version %d: apply it with the reconcile that made it, or plan again", head.FormatVersion, head.ToolVersion, FormatVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields() // a field this version does not know would be ignored, not applied
	var d document
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("the saved plan is damaged: %w", err)
	}
	return fromDocument(&d)
}

// WriteFile saves f at path, readable by its owner only; a half-written
// file never replaces a good one.
func WriteFile(path string, f *File) error {
	var buf bytes.Buffer
	if err := Encode(&buf, f); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".plan-*")
	if err != nil {
		return fmt.Errorf("cannot save the plan to %s: %w", path, err)
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot save the plan to %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot save the plan to %s: %w", path, err)
	}
	return nil
}

// ReadFile reads a saved plan; its errors name the file.
func ReadFile(path string) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the saved plan: %w", err)
	}
	defer fh.Close()
	f, err := Decode(fh)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, err)
	}
	return f, nil
}

func toDocument(f *File) (*document, error) {
	p := f.Plan
	d := &document{
		Format: Format, FormatVersion: FormatVersion, ToolVersion: f.ToolVersion, Created: f.Created, Basis: f.Basis,
		Plan: planDoc{
			Stack: p.Stack, Region: p.Region, Destroy: p.Destroy, Unmanaged: p.Unmanaged, Neighbours: p.Neighbours,
			Errors: p.Errors, Targets: p.Targets, Excluded: p.Excluded, SpecDigest: p.SpecDigest, StateSerial: p.StateSerial, Changes: []changeDoc{},
		},
	}
	var err error
	if d.Plan.Outputs, err = encodeMap("outputs", p.Outputs); err != nil {
		return nil, fmt.Errorf("cannot save the plan: %w", err)
	}
	for _, c := range p.Changes {
		cd := changeDoc{
			Name: c.Name, Type: c.Type, ID: c.ID, Action: c.Action, Class: c.Class, Deps: c.Deps, Protect: c.Protect,
			Data: c.Data, MovedFrom: c.MovedFrom, NotCompared: c.NotCompared, InSpec: c.InSpec, StateStale: c.StateStale,
			Live: observationDoc{Exists: c.Live.Exists, ID: c.Live.ID, Attrs: c.Live.Attrs},
		}
		if cd.Desired, err = encodeProps(c.Name+".desired", c.Desired); err != nil {
			return nil, fmt.Errorf("cannot save the plan: %w", err)
		}
		if cd.Live.Props, err = encodeProps(c.Name+".live", c.Live.Props); err != nil {
			return nil, fmt.Errorf("cannot save the plan: %w", err)
		}
		for _, fd := range c.Diff {
			x := fieldDiffDoc{Path: fd.Path, Sensitive: fd.Sensitive, ForceNew: fd.ForceNew}
			if x.Before, err = encodeValue(c.Name+".diff."+fd.Path+".before", fd.Before); err != nil {
				return nil, fmt.Errorf("cannot save the plan: %w", err)
			}
			if x.After, err = encodeValue(c.Name+".diff."+fd.Path+".after", fd.After); err != nil {
				return nil, fmt.Errorf("cannot save the plan: %w", err)
			}
			cd.Diff = append(cd.Diff, x)
		}
		d.Plan.Changes = append(d.Plan.Changes, cd)
	}
	return d, nil
}

func fromDocument(d *document) (*File, error) {
	pd := d.Plan
	p := &reconcile.Plan{
		FormatVersion: reconcile.FormatVersion, Stack: pd.Stack, Region: pd.Region, Destroy: pd.Destroy,
		Unmanaged: pd.Unmanaged, Neighbours: pd.Neighbours, Errors: pd.Errors, Targets: pd.Targets, Excluded: pd.Excluded,
		SpecDigest: pd.SpecDigest, StateSerial: pd.StateSerial,
	}
	damaged := func(err error) (*File, error) { return nil, fmt.Errorf("the saved plan is damaged: %w", err) }
	var err error
	if p.Outputs, err = decodeMap("outputs", pd.Outputs); err != nil {
		return damaged(err)
	}
	if p.Outputs == nil {
		p.Outputs = map[string]any{}
	}
	for _, cd := range pd.Changes {
		c := &reconcile.Change{
			Name: cd.Name, Type: cd.Type, ID: cd.ID, Action: cd.Action, Class: cd.Class, Deps: cd.Deps, Protect: cd.Protect,
			Data: cd.Data, MovedFrom: cd.MovedFrom, NotCompared: cd.NotCompared, InSpec: cd.InSpec, StateStale: cd.StateStale,
			Live: reconcile.Observation{Exists: cd.Live.Exists, ID: cd.Live.ID, Attrs: cd.Live.Attrs},
		}
		if c.Desired, err = decodeProps(cd.Name+".desired", cd.Desired); err != nil {
			return damaged(err)
		}
		if c.Live.Props, err = decodeProps(cd.Name+".live", cd.Live.Props); err != nil {
			return damaged(err)
		}
		for _, x := range cd.Diff {
			fd := reconcile.FieldDiff{Path: x.Path, Sensitive: x.Sensitive, ForceNew: x.ForceNew}
			if fd.Before, err = decodeValue(cd.Name+".diff."+x.Path+".before", x.Before); err != nil {
				return damaged(err)
			}
			if fd.After, err = decodeValue(cd.Name+".diff."+x.Path+".after", x.After); err != nil {
				return damaged(err)
			}
			c.Diff = append(c.Diff, fd)
		}
		p.Changes = append(p.Changes, c)
	}
	return &File{ToolVersion: d.ToolVersion, Created: d.Created, Basis: d.Basis, Plan: p}, nil
}

// jsonText is s as it appears inside a JSON string.
func jsonText(s string) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(bytes.TrimSuffix(b.Bytes(), []byte("\n")), []byte(`"`))[1:]
}
