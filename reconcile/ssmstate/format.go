package ssmstate

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/trip-assistant/stack/reconcile"
)

const (
	formatVersion = 1
	// maxValue is the standard tier's value limit.
	maxValue = 4096
	// headerBudget is what the head keeps for its header line; chunk 0 gets
	// the rest.
	headerBudget = 1024
	// getBatch is GetParameters' limit on names per call; DeleteParameters
	// takes the same.
	getBatch = 10
	// maxChunkJSON bounds what one chunk may inflate to.
	maxChunkJSON = 1 << 20
)

// header is the first line of the head parameter's value: everything Load
// needs, so the tags may lag behind without harm.
type header struct {
	Format      int       `json:"f"`
	Serial      int64     `json:"s"`
	Chunks      int       `json:"n"`           // including chunk 0, in the head
	Versions    []int64   `json:"v,omitempty"` // SSM versions of chunks 1..n-1
	Digest      string    `json:"h"`           // see digest
	Resources   int       `json:"r"`
	SpecDigest  string    `json:"sd,omitempty"`
	ToolVersion string    `json:"tv,omitempty"`
	Time        time.Time `json:"t"`
	// Who and Operation are the lock holder's, for `reconcile state
	// history`; cut to whoMax characters to keep within the budget.
	Who       string `json:"w,omitempty"`
	Operation string `json:"o,omitempty"`
}

const whoMax = 80

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// chunk is one piece of the record as stored.
type chunk struct {
	names   []string // sorted logical names it holds
	body    string   // base64(gzip(JSON))
	version int64    // SSM version of <prefix>/state/i; unused for chunk 0
}

func capacity(i int) int {
	if i == 0 {
		return maxValue - headerBudget
	}
	return maxValue
}

// gzipWriters saves the allocation of a compressor (about 1 MB) per chunk
// encoded.
var gzipWriters = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestCompression)
	return zw
}}

// encodeChunk encodes the named resources. The output is deterministic
// (sorted JSON keys, zero gzip header), so an unchanged chunk encodes to the
// same body and needs no write.
func encodeChunk(res map[string]reconcile.StateResource, names []string) (string, error) {
	sub := make(map[string]reconcile.StateResource, len(names))
	for _, n := range names {
		sub[n] = res[n]
	}
	js, err := json.Marshal(sub)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	zw := gzipWriters.Get().(*gzip.Writer)
	defer gzipWriters.Put(zw)
	zw.Reset(&buf)
	zw.Write(js)
	if err := zw.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func decodeChunk(body string) (map[string]reconcile.StateResource, error) {
	raw, err := base64.StdEncoding.DecodeString(body)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	// A chunk of 4096 bytes compresses JSON at most a few times; more is a
	// damaged or hostile body, not a record.
	js, err := io.ReadAll(io.LimitReader(zr, maxChunkJSON+1))
	if err != nil {
		return nil, err
	}
	if len(js) > maxChunkJSON {
		return nil, fmt.Errorf("the chunk inflates to more than %d bytes", maxChunkJSON)
	}
	var m map[string]reconcile.StateResource
	if err := json.Unmarshal(js, &m); err != nil {
		return nil, err
	}
	return m, nil
}

// digest covers every chunk body in order, length-prefixed so that moving
// bytes between chunks changes it too.
func digest(chunks []chunk) string {
	h := sha256.New()
	for _, c := range chunks {
		io.WriteString(h, strconv.Itoa(len(c.body)))
		io.WriteString(h, ":")
		io.WriteString(h, c.body)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func encodeHead(h header, chunk0 string) (string, error) {
	js, err := json.Marshal(h)
	if err != nil {
		return "", err
	}
	if len(js)+1 > headerBudget {
		return "", fmt.Errorf("the state header is %d bytes, over its budget of %d (%d chunks)", len(js)+1, headerBudget, h.Chunks)
	}
	return string(js) + "\n" + chunk0, nil
}

func decodeHead(value string) (header, string, error) {
	line, chunk0, ok := strings.Cut(value, "\n")
	if !ok {
		return header{}, "", errors.New("no header line")
	}
	var h header
	if err := json.Unmarshal([]byte(line), &h); err != nil {
		return header{}, "", fmt.Errorf("unreadable header: %w", err)
	}
	if h.Format > formatVersion {
		return header{}, "", &newerError{format: h.Format, tool: h.ToolVersion}
	}
	if h.Format != formatVersion {
		return header{}, "", fmt.Errorf("the header names record format %d, which no reconcile writes", h.Format)
	}
	if h.Chunks < 1 || len(h.Versions) != h.Chunks-1 {
		return header{}, "", fmt.Errorf("header names %d chunks but pins %d versions", h.Chunks, len(h.Versions))
	}
	return h, chunk0, nil
}

// newerError is a header in a format newer than this tool reads.
type newerError struct {
	format int
	tool   string
}

func (e *newerError) Error() string {
	return fmt.Sprintf("record format %d (written by %q), but this tool reads format %d", e.format, e.tool, formatVersion)
}

// decodeRecord checks the chunks against the header's digest and decodes
// them. Chunk bodies are chunks[i].body; chunk 0 is the head's. A digest
// that does not match is a *tornError: a read mixing two Saves looks the
// same as damage until read again.
func decodeRecord(h header, chunks []chunk, chunkName func(int) string) (*reconcile.State, error) {
	if got := digest(chunks); got != h.Digest {
		return nil, &tornError{fmt.Sprintf("the chunks digest to %s, the header says %s", got, h.Digest)}
	}
	st := reconcile.NewState()
	st.Serial, st.SpecDigest, st.ToolVersion, st.Time = h.Serial, h.SpecDigest, h.ToolVersion, h.Time
	for i := range chunks {
		m, err := decodeChunk(chunks[i].body)
		if err != nil {
			return nil, fmt.Errorf("cannot decode chunk %s: %w", chunkName(i), err)
		}
		chunks[i].names = chunks[i].names[:0]
		for n, r := range m {
			if _, dup := st.Resources[n]; dup {
				return nil, fmt.Errorf("resource %q is recorded twice (chunk %s)", n, chunkName(i))
			}
			st.Resources[n] = r
			chunks[i].names = append(chunks[i].names, n)
		}
		slices.Sort(chunks[i].names)
	}
	if len(st.Resources) != h.Resources {
		return nil, fmt.Errorf("the header counts %d resources, the chunks hold %d", h.Resources, len(st.Resources))
	}
	return st, nil
}

// memory is what the store last wrote or read: the basis for writing only
// what changed.
type memory struct {
	chunks []chunk
	res    map[string]reconcile.StateResource // deep copy of the resources in chunks
}

// plan lays res out in chunks. With prev it keeps every resource in the
// chunk it was in, puts new ones and the overflow of chunks that grew too
// large in chunk 0, spills chunk 0 into new chunks at the end, and fills
// empty chunks with the last one; bodies are re-encoded only
// for chunks whose resources changed. Without prev it packs from scratch.
// Versions are copied from prev by index; the caller decides what to write
// by comparing bodies.
func plan(res map[string]reconcile.StateResource, prev *memory) ([]chunk, error) {
	if prev == nil || len(prev.chunks) == 0 {
		return pack(res)
	}
	owner := make(map[string]int, len(prev.res))
	for i, c := range prev.chunks {
		for _, n := range c.names {
			owner[n] = i
		}
	}
	members := make([][]string, len(prev.chunks))
	for n := range res {
		i, ok := owner[n]
		if !ok {
			i = 0
		}
		members[i] = append(members[i], n)
	}
	for i := 1; i < len(members); {
		if len(members[i]) > 0 {
			i++
			continue
		}
		last := len(members) - 1
		members[i] = members[last]
		members = members[:last]
	}

	next := make([]chunk, 0, len(members))
	for i, names := range members {
		slices.Sort(names)
		c := chunk{names: names}
		if i < len(prev.chunks) {
			c.version = prev.chunks[i].version
			if slices.Equal(names, prev.chunks[i].names) && sameResources(res, prev.res, names) {
				c.body = prev.chunks[i].body
			}
		}
		next = append(next, c)
	}

	// A chunk past chunk 0 that outgrew its limit keeps what fits and hands
	// the rest to chunk 0, which is rewritten anyway.
	for i := 1; i < len(next); i++ {
		if next[i].body != "" {
			continue
		}
		body, err := encodeChunk(res, next[i].names)
		if err != nil {
			return nil, err
		}
		if len(body) <= capacity(i) {
			next[i].body = body
			continue
		}
		c, err := fill(res, next[i].names, capacity(i))
		if err != nil {
			return nil, err
		}
		next[0].names = append(next[0].names, next[i].names[len(c.names):]...)
		next[0].body = ""
		next[i].names, next[i].body = c.names, c.body
	}
	// Chunk 0 spills into new chunks at the end, each filled to its limit.
	if next[0].body == "" {
		names := next[0].names
		slices.Sort(names)
		for {
			body, err := encodeChunk(res, names)
			if err != nil {
				return nil, err
			}
			if len(body) <= capacity(0) {
				next[0].names, next[0].body = names, body
				break
			}
			c, err := fill(res, names, maxValue)
			if err != nil {
				return nil, err
			}
			next = append(next, c)
			names = names[len(c.names):]
		}
	}

	// Deletions can leave many small chunks; when they would fit in half as
	// many, rewrite them all once rather than carry the waste.
	total := 0
	for _, c := range next {
		total += len(c.body)
	}
	if len(next) > 2 && len(next) > 2*(total/(maxValue*3/4)+1) {
		return pack(res)
	}
	return next, nil
}

// pack fills chunks in name order, each as full as fill gets it.
func pack(res map[string]reconcile.StateResource) ([]chunk, error) {
	names := make([]string, 0, len(res))
	for n := range res {
		names = append(names, n)
	}
	slices.Sort(names)
	var out []chunk
	for i := 0; len(names) > 0 || i == 0; i++ {
		c, err := fill(res, names, capacity(i))
		if err != nil {
			return nil, err
		}
		out = append(out, c)
		names = names[len(c.names):]
	}
	return out, nil
}

// fill encodes the longest prefix of names it finds that fits in limit
// bytes, in a few encodings: it guesses a count from the encoded size per
// resource and corrects the guess by the ratio of size to limit.
func fill(res map[string]reconcile.StateResource, names []string, limit int) (chunk, error) {
	const perResource = 75 // bytes, about what the stack's resources encode to
	guess := min(len(names), max(1, limit/perResource))
	var best chunk
	fits := false
	for attempt := 0; ; attempt++ {
		body, err := encodeChunk(res, names[:guess])
		if err != nil {
			return chunk{}, err
		}
		if len(body) <= limit {
			best, fits = chunk{names: slices.Clone(names[:guess]), body: body}, true
			// Grow once a chunk that came out small.
			if attempt > 1 || guess == len(names) || len(body) > limit*95/100 {
				return best, nil
			}
			bigger := min(len(names), int(float64(guess)*float64(limit)/float64(len(body))*0.98))
			if bigger <= guess {
				return best, nil
			}
			guess = bigger
			continue
		}
		if fits {
			return best, nil
		}
		if guess == 1 {
			return chunk{}, fmt.Errorf("resource %q alone encodes to %d bytes, over the %d-byte chunk", names[0], len(body), limit)
		}
		guess = max(1, min(guess-1, int(float64(guess)*float64(limit)/float64(len(body))*0.97)))
	}
}

func sameResources(a, b map[string]reconcile.StateResource, names []string) bool {
	for _, n := range names {
		x, ok1 := a[n]
		y, ok2 := b[n]
		if ok1 != ok2 || !reflect.DeepEqual(x, y) {
			return false
		}
	}
	return true
}

func cloneResources(res map[string]reconcile.StateResource) map[string]reconcile.StateResource {
	return (&reconcile.State{Resources: res}).Clone().Resources
}
