package docgen

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReplaceSection(t *testing.T) {
	begin, end := Markers("k")
	cases := map[string]struct {
		doc     string
		want    string
		wantErr string
	}{
		"replaces the body": {
			doc:  "# T\n" + begin + "\nold\nlines\n" + end + "\ntail\n",
			want: "# T\n" + begin + "\nnew\n" + end + "\ntail\n",
		},
		"fills an empty section": {
			doc:  begin + "\n" + end + "\n",
			want: begin + "\nnew\n" + end + "\n",
		},
		"another section is not this one": {
			doc:     strings.ReplaceAll(begin+"\n"+end+"\n", "GENERATED k", "GENERATED other"),
			wantErr: "cannot find the line",
		},
		"no end": {
			doc:     begin + "\nold\n",
			wantErr: "cannot find the line \"" + end + "\"",
		},
		"end inside a line": {
			doc:     begin + "\nold" + end + "\n",
			wantErr: "the end marker must start a line",
		},
		"twice": {
			doc:     begin + "\n" + end + "\n" + begin + "\n" + end + "\n",
			wantErr: "more than once",
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := ReplaceSection([]byte(c.doc), "k", "new\n")
			if c.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), c.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, c.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			body, err := Section(got, "k")
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != "new\n" {
				t.Errorf("Section = %q, want %q", body, "new\n")
			}
		})
	}
}

func TestUpdateFile(t *testing.T) {
	begin, end := Markers("k")
	path := filepath.Join(t.TempDir(), "README.md")
	if err := os.WriteFile(path, []byte("x\n"+begin+"\nold\n"+end+"\ny\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		changed, err := UpdateFile(path, "k", "new\n")
		if err != nil {
			t.Fatal(err)
		}
		if changed != want {
			t.Errorf("call %d: changed = %v, want %v", i+1, changed, want)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("x\n"+begin+"\nnew\n"+end+"\ny\n", string(got)); diff != "" {
		t.Errorf("file (-want +got):\n%s", diff)
	}
	if _, err := UpdateFile(filepath.Join(t.TempDir(), "absent.md"), "k", ""); err == nil {
		t.Error("UpdateFile of an absent file succeeded")
	}
}
