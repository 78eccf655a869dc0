package docgen

import (
	"bytes"
	"errors"
	"fmt"
	"os"
)

// Markers delimit the generated section called name in a Markdown file;
// what lies between them belongs to the generator.
func Markers(name string) (begin, end string) {
	return fmt.Sprintf("<!-- BEGIN GENERATED %s: make docs rewrites this section, edit the source instead -->", name),
		fmt.Sprintf("<!-- END GENERATED %s -->", name)
}

// Section returns what lies between the markers of section name in doc.
func Section(doc []byte, name string) ([]byte, error) {
	start, stop, err := bounds(doc, name)
	if err != nil {
		return nil, err
	}
	return doc[start:stop], nil
}

// ReplaceSection returns doc with the section called name holding body.
func ReplaceSection(doc []byte, name, body string) ([]byte, error) {
	start, stop, err := bounds(doc, name)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(doc)-(stop-start)+len(body))
	out = append(out, doc[:start]...)
	out = append(out, body...)
	return append(out, doc[stop:]...), nil
}

// bounds finds the section's body: from the line after the begin marker
// to the start of the end marker's line.
func bounds(doc []byte, name string) (start, stop int, err error) {
	begin, end := Markers(name)
	b := bytes.Index(doc, []byte(begin+"\n"))
	if b < 0 {
		return 0, 0, fmt.Errorf("cannot find the line %q", begin)
	}
	if bytes.Count(doc, []byte(begin)) > 1 {
		return 0, 0, fmt.Errorf("the line %q appears more than once", begin)
	}
	start = b + len(begin) + 1
	e := bytes.Index(doc[start:], []byte(end))
	if e < 0 {
		return 0, 0, fmt.Errorf("cannot find the line %q after %q", end, begin)
	}
	stop = start + e
	if stop > start && doc[stop-1] != '\n' {
		return 0, 0, errors.New("the end marker must start a line")
	}
	return start, stop, nil
}

// UpdateFile rewrites section name of the file at path to hold body and
// reports whether the file changed.
func UpdateFile(path, name, body string) (changed bool, err error) {
	doc, err := os.ReadFile(path)
	if err != nil {
		return false, fmt.Errorf("cannot read %s: %w", path, err)
	}
	out, err := ReplaceSection(doc, name, body)
	if err != nil {
		return false, fmt.Errorf("cannot update section %s of %s: %w", name, path, err)
	}
	if bytes.Equal(out, doc) {
		return false, nil
	}
	info, err := os.Stat(path)
	if err != nil {
		return false, fmt.Errorf("cannot update %s: %w", path, err)
	}
	if err := os.WriteFile(path, out, info.Mode().Perm()); err != nil {
		return false, fmt.Errorf("cannot update %s: %w", path, err)
	}
	return true, nil
}
