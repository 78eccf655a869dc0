package archtest

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/trip-assistant/stack/"

// imports maps each package directory of the module (relative, slashes)
// to the packages its non-test Go files import, build-tagged files
// included: a rule holds for every build of the package. Tests may cross
// the arrows (a spec test loads with fake kinds, an integration test of
// functions makes their aliases).
func imports(t *testing.T) map[string][]string {
	t.Helper()
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	fset := token.NewFileSet()
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata" || name == "bin") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		dir := filepath.ToSlash(rel)
		for _, imp := range f.Imports {
			p, err := strconv.Unquote(imp.Path.Value)
			if err != nil {
				return err
			}
			out[dir] = append(out[dir], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func under(dir, prefix string) bool { return dir == prefix || strings.HasPrefix(dir, prefix+"/") }

// local returns the module-relative path of an import of the module, ""
// for any other import.
func local(imp string) string {
	if rel, ok := strings.CutPrefix(imp, module); ok {
		return rel
	}
	return ""
}

// kindPackage is the kind a path belongs to: resources/<kind>/...,
// not resources/internal/...
func kindPackage(rel string) string {
	rest, ok := strings.CutPrefix(rel, "resources/")
	if !ok {
		return ""
	}
	kind, _, _ := strings.Cut(rest, "/")
	if kind == "internal" || kind == "kinds" { // shared helpers; the wiring
		return ""
	}
	return kind
}

func TestArrows(t *testing.T) {
	all := imports(t)
	if len(all["reconcile"]) == 0 || len(all["resources/kinds"]) == 0 {
		t.Fatalf("found no imports of reconcile or internal/kinds: is the walk rooted at the module? (%d packages)", len(all))
	}
	var broken []string
	fail := func(dir, imp, rule string) { broken = append(broken, dir+" imports "+imp+": "+rule) }
	for dir, imps := range all {
		for _, imp := range imps {
			rel := local(imp)
			switch {
			case under(dir, "reconcile") && rel != "" && !under(rel, "reconcile"):
				fail(dir, imp, "the engine's packages import nothing of the module outside reconcile/: kinds, stores and clients are given to them")
			case under(dir, "reconcile/spec") && rel != "" && !under(rel, "reconcile/spec") && !under(rel, "reconcile/internal/graph"):
				fail(dir, imp, "the spec sits below the engine")
			case (dir == "reconcile" || under(dir, "reconcile/spec") || under(dir, "reconcile/render") || under(dir, "reconcile/internal/graph")) &&
				strings.HasPrefix(imp, "github.com/aws/"):
				fail(dir, imp, "only kinds and stores talk to AWS")
			case kindPackage(dir) != "" && kindPackage(rel) != "" && kindPackage(rel) != kindPackage(dir):
				fail(dir, imp, "a kind does not import another kind; what kinds share lives in resources/internal/")
			case kindPackage(dir) != "" && (under(rel, "resources/kinds") || under(rel, "cmd")):
				fail(dir, imp, "kinds are wired from outside")
			case under(dir, "agent") && imp == "github.com/openai/openai-go/v3":
				fail(dir, imp, "the agent uses openai-go's responses package alone: the root package links every API of the SDK and nearly doubles the Lambda image")
			}
		}
	}
	sort.Strings(broken)
	for _, b := range broken {
		t.Error(b)
	}
}
