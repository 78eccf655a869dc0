package ssmstate

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzDecodeRecord feeds the record decoder heads and chunk bodies as SSM
// could hold them after any damage. It must never panic or accept a
// record whose resources disagree with its header; what it accepts must
// survive an encode and decode unchanged.
func FuzzDecodeRecord(f *testing.F) {
	ctx := context.Background()
	fs, m := newMemSSM()
	for _, n := range []int{0, 1, 3, 120} {
		if err := NewWithAPI(fs, project, env).Save(ctx, realisticState(n)); err != nil {
			f.Fatal(err)
		}
		h, _, _ := decodeHead(must(m.latest(headName)))
		var rest []string
		for i := 1; i < h.Chunks; i++ {
			rest = append(rest, must(m.latest(headName+"/"+itoa(i))))
		}
		f.Add(must(m.latest(headName)), strings.Join(rest, "\n"))
	}
	f.Add("{\"f\":1,\"s\":1,\"n\":1,\"h\":\"\",\"r\":0,\"t\":\"2026-01-01T00:00:00Z\"}\n", "")
	f.Add("{\"f\":2}\nxx", "")
	f.Fuzz(func(t *testing.T, head, rest string) {
		h, chunk0, err := decodeHead(head)
		if err != nil {
			return
		}
		chunks := []chunk{{body: chunk0}}
		if rest != "" {
			for _, b := range strings.Split(rest, "\n") {
				chunks = append(chunks, chunk{body: b})
			}
		}
		if len(chunks) != h.Chunks {
			return
		}
		st, err := decodeRecord(h, chunks, func(i int) string { return itoa(i) })
		if err != nil {
			return
		}
		if len(st.Resources) != h.Resources {
			t.Fatalf("accepted %d resources for a header counting %d", len(st.Resources), h.Resources)
		}
		for i := range chunks {
			body, err := encodeChunk(st.Resources, chunks[i].names)
			if err != nil {
				t.Fatalf("an accepted chunk does not encode again: %v", err)
			}
			back, err := decodeChunk(body)
			if err != nil {
				t.Fatalf("a re-encoded chunk does not decode: %v", err)
			}
			for _, n := range chunks[i].names {
				if diff := cmp.Diff(st.Resources[n], back[n], cmpopts.EquateEmpty()); diff != "" {
					t.Fatalf("resource %q changed in a round trip (-first +second):\n%s", n, diff)
				}
			}
		}
	})
}

// FuzzDecodeChunk feeds one chunk body: anything may come back as an
// error, nothing may panic.
func FuzzDecodeChunk(f *testing.F) {
	st := realisticState(20)
	names := make([]string, 0, len(st.Resources))
	for n := range st.Resources {
		names = append(names, n)
	}
	body, err := encodeChunk(st.Resources, names)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add("H4sIAAAAAAAC/w==")
	f.Fuzz(func(t *testing.T, body string) {
		m, err := decodeChunk(body)
		if err != nil {
			return
		}
		names := make([]string, 0, len(m))
		for n := range m {
			names = append(names, n)
		}
		again, err := encodeChunk(m, names)
		if err != nil {
			t.Fatalf("an accepted chunk does not encode again: %v", err)
		}
		back, err := decodeChunk(again)
		if err != nil {
			t.Fatalf("a re-encoded chunk does not decode: %v", err)
		}
		if diff := cmp.Diff(m, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("a chunk changed in a round trip (-first +second):\n%s", diff)
		}
	})
}

func itoa(i int) string { return strconv.Itoa(i) }
