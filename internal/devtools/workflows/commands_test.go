package workflows

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// makeTargets are the targets the README, .ci/run and the workflows rely on.
var makeTargets = []string{"build", "test", "unit", "integration", "lint", "up", "images", "bench"}

// globalFlags are the flags every reconcile command takes, before or after
// the subcommand's name.
var globalFlags = []string{"spec", "env", "endpoint", "region", "profile", "output", "no-color"}

// reconcileFlags is the documented command line: each subcommand's own
// flags ("" is the command without a subcommand, which plans and applies).
// Workflows may use only these and globalFlags; TestDocumentedFlagsExist
// checks each is registered in cmd/reconcile.
var reconcileFlags = map[string][]string{
	"":        {"dry-run", "destroy", "detailed-exitcode", "parallelism", "stats", "target", "replace"},
	"plan":    {"destroy", "detailed-exitcode", "parallelism", "stats", "out", "target", "replace"},
	"apply":   {"detailed-exitcode", "parallelism", "stats", "target", "replace"},
	"destroy": {"dry-run", "detailed-exitcode", "parallelism", "stats", "target"},
	"unlock":  {},
	"outputs": {},
	"deploy":  {"function", "image", "smoke-url", "smoke-attempts", "smoke-interval", "dry-run"},
}

// reconcileArgs is how many positional arguments each subcommand takes, at
// least and at most (apply takes a saved plan's file, or nothing).
var reconcileArgs = map[string][2]int{"": {0, 0}, "plan": {0, 0}, "apply": {0, 1}, "destroy": {0, 0}, "unlock": {1, 1}, "deploy": {0, 0}, "outputs": {0, 0}}

// reconcileBinary is where `make build` puts the CLI; workflows call it there.
const reconcileBinary = "./bin/reconcile"

func TestMakefileHasTargets(t *testing.T) {
	have := makefileTargets(t)
	for _, target := range makeTargets {
		if !have[target] {
			t.Errorf("Makefile has no target %q (the README, .ci/run and the workflows use it)", target)
		}
	}
}

func TestWorkflowMakeTargetsExist(t *testing.T) {
	have := makefileTargets(t)
	for _, w := range loadWorkflows(t) {
		for _, s := range runSteps(w) {
			for _, cmd := range commands(s.script) {
				if len(cmd) == 0 || cmd[0] != "make" {
					continue
				}
				for _, arg := range cmd[1:] {
					if strings.HasPrefix(arg, "-") || strings.Contains(arg, "=") {
						continue // make's options and VAR=value overrides
					}
					if !have[arg] {
						t.Errorf("%s: make %s: the Makefile has no such target", s.where, arg)
					}
				}
			}
		}
	}
}

func TestWorkflowReconcileCallsAreDocumented(t *testing.T) {
	for _, w := range loadWorkflows(t) {
		for _, s := range runSteps(w) {
			for _, cmd := range commands(s.script) {
				if len(cmd) == 0 || filepath.Base(cmd[0]) != "reconcile" {
					continue
				}
				if cmd[0] != reconcileBinary {
					t.Errorf("%s: calls %s; call %s, which `make build` produces", s.where, cmd[0], reconcileBinary)
				}
				for _, problem := range checkReconcileCall(cmd[1:]) {
					t.Errorf("%s: %s: %s", s.where, strings.Join(cmd, " "), problem)
				}
			}
		}
	}
}

// TestWorkflowBuildsReconcileFirst: a job that runs the CLI must build it in
// an earlier step; a fresh runner has no bin/.
func TestWorkflowBuildsReconcileFirst(t *testing.T) {
	for _, w := range loadWorkflows(t) {
		built := map[string]bool{}
		for _, s := range runSteps(w) {
			for _, cmd := range commands(s.script) {
				if len(cmd) == 0 {
					continue
				}
				if cmd[0] == reconcileBinary && !built[s.job] {
					t.Errorf("%s: runs %s before any `make build` in job %s", s.where, reconcileBinary, s.job)
				}
				if cmd[0] == "make" && slices.Contains(cmd[1:], "build") {
					built[s.job] = true
				}
			}
		}
	}
}

// TestDocumentedFlagsExist keeps the table above honest: every flag it
// allows must be registered by cmd/reconcile.
func TestDocumentedFlagsExist(t *testing.T) {
	registered := cliFlags(t, filepath.Join(root, "cmd", "reconcile"))
	for _, f := range globalFlags {
		if !registered[f] {
			t.Errorf("reconcile --%s is documented but cmd/reconcile registers no such flag", f)
		}
	}
	for sub, flags := range reconcileFlags {
		for _, f := range flags {
			if !registered[f] {
				t.Errorf("reconcile %s--%s is documented but cmd/reconcile registers no such flag", subcommandLabel(sub), f)
			}
		}
	}
}

func TestCheckReconcileCall(t *testing.T) {
	cases := map[string]struct {
		args []string
		want []string
	}{
		"plan":              {args: []string{"--spec", "spec.yaml", "--env", "dev", "--dry-run", "--output=markdown"}},
		"deploy":            {args: []string{"deploy", "--spec", "spec.yaml", "--function", "api", "--image", "$IMAGE", "--smoke-url", "$URL"}},
		"unlock":            {args: []string{"unlock", "--spec", "spec.yaml", "$LOCK_ID"}},
		"single dash":       {args: []string{"-dry-run"}},
		"unknown flag":      {args: []string{"--dryrun"}, want: []string{"reconcile has no flag --dryrun"}},
		"wrong subcommand":  {args: []string{"deploy", "--destroy"}, want: []string{"reconcile deploy has no flag --destroy"}},
		"missing lock id":   {args: []string{"unlock", "--spec", "spec.yaml"}, want: []string{"reconcile unlock takes 1 argument(s), got 0"}},
		"unknown command":   {args: []string{"aply", "--spec", "x"}, want: []string{"reconcile takes 0 argument(s), got 1 (unknown subcommand?)"}},
		"plan subcommand":   {args: []string{"plan", "--spec", "spec.yaml", "--detailed-exitcode"}},
		"globals before":    {args: []string{"--spec", "spec.yaml", "--env", "dev", "outputs", "--output", "json"}},
		"global bool first": {args: []string{"--no-color", "apply", "--stats"}},
		"apply --dry-run":   {args: []string{"apply", "--dry-run"}, want: []string{"reconcile apply has no flag --dry-run"}},
		"unlock after flag": {args: []string{"--spec", "spec.yaml", "unlock"}, want: []string{"reconcile unlock takes 1 argument(s), got 0"}},
		"value looks alike": {args: []string{"--output", "json", "--dry-run"}},
		"plan --out":        {args: []string{"plan", "--spec", "spec.yaml", "--out", "plan.bin"}},
		"apply a plan file": {args: []string{"apply", "reviewed/plan.bin", "--stats"}},
		"apply two files":   {args: []string{"apply", "a.bin", "b.bin"}, want: []string{"reconcile apply takes 0 to 1 argument(s), got 2"}},
		"--out on apply":    {args: []string{"apply", "--out", "plan.bin"}, want: []string{"reconcile apply has no flag --out"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, checkReconcileCall(tc.args)); diff != "" {
				t.Errorf("checkReconcileCall(%q) (-want +got):\n%s", tc.args, diff)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	script := `# reconcile in a comment is not a call
rc=0
./bin/reconcile --spec spec.yaml --dry-run \
  --output markdown >plan.md || rc=$?
out=$(./bin/reconcile --output json --dry-run | jq -r .outputs.api_url)
echo "reconcile exited $rc"; make images IMAGE_ARCH=arm64 IMAGE_TAG="$IMAGE_TAG"
`
	want := [][]string{
		{"rc=0"},
		{"./bin/reconcile", "--spec", "spec.yaml", "--dry-run", "--output", "markdown"},
		{"plan.md"},
		{"rc=$?"},
		{"out="},
		{"./bin/reconcile", "--output", "json", "--dry-run"},
		{"jq", "-r", ".outputs.api_url"},
		{"echo", "reconcile exited $rc"},
		{"make", "images", "IMAGE_ARCH=arm64", "IMAGE_TAG=$IMAGE_TAG"},
	}
	if diff := cmp.Diff(want, commands(script)); diff != "" {
		t.Errorf("commands() (-want +got):\n%s", diff)
	}
}

// checkReconcileCall returns what is wrong with one call's arguments.
func checkReconcileCall(args []string) []string {
	// The subcommand is the first word that is neither a flag nor a
	// global flag's value.
	sub, at := "", -1
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-") {
			name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
			if slices.Contains(globalFlags, name) && !hasValue && !boolFlags[name] {
				i++
			}
			continue
		}
		if _, ok := reconcileFlags[a]; ok {
			sub, at = a, i
		}
		break
	}
	if at >= 0 {
		args = append(slices.Clone(args[:at]), args[at+1:]...)
	}
	allowed := map[string]bool{}
	for _, f := range append(slices.Clone(globalFlags), reconcileFlags[sub]...) {
		allowed[f] = true
	}
	var problems []string
	positional := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional += len(args) - i - 1
			break
		}
		if !strings.HasPrefix(a, "-") {
			positional++
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !allowed[name] {
			problems = append(problems, "reconcile "+subcommandLabel(sub)+"has no flag --"+name)
			continue
		}
		// Booleans take no separate value; others do.
		if !hasValue && !boolFlags[name] {
			i++
		}
	}
	if want := reconcileArgs[sub]; positional < want[0] || positional > want[1] {
		n := strconv.Itoa(want[0])
		if want[1] != want[0] {
			n += " to " + strconv.Itoa(want[1])
		}
		msg := "reconcile " + subcommandLabel(sub) + "takes " + n + " argument(s), got " + strconv.Itoa(positional)
		if sub == "" {
			msg += " (unknown subcommand?)"
		}
		problems = append(problems, msg)
	}
	return problems
}

var boolFlags = map[string]bool{"dry-run": true, "destroy": true, "detailed-exitcode": true, "stats": true, "no-color": true}

func subcommandLabel(sub string) string {
	if sub == "" {
		return ""
	}
	return sub + " "
}

// commands splits a bash script into simple commands, each a list of words
// with quotes removed. It knows enough bash for workflow steps: comments,
// quotes, backslash-newline, the operators ; & | && || ( ) and redirections
// (their targets become commands of their own, which is harmless here), and
// $( ... ) whose contents are split like the rest. Expansions stay as text.
func commands(script string) [][]string {
	var (
		out   [][]string
		cmd   []string
		word  strings.Builder
		inW   bool // a word is open, possibly empty ("")
		quote rune
	)
	endWord := func() {
		if inW {
			cmd = append(cmd, word.String())
			word.Reset()
			inW = false
		}
	}
	endCmd := func() {
		endWord()
		if len(cmd) > 0 {
			out = append(out, cmd)
		}
		cmd = nil
	}
	rs := []rune(script)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case quote == '\'':
			if c == '\'' {
				quote = 0
			} else {
				word.WriteRune(c)
			}
		case quote == '"':
			switch {
			case c == '"':
				quote = 0
			case c == '\\' && i+1 < len(rs):
				i++
				word.WriteRune(rs[i])
			default:
				word.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inW = c, true
		case c == '\\' && i+1 < len(rs):
			i++
			if rs[i] != '\n' {
				word.WriteRune(rs[i])
				inW = true
			}
		case c == '#' && !inW:
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			endCmd()
		case c == '$' && i+1 < len(rs) && rs[i+1] == '(':
			// Command substitution: what came before ends here, what is
			// inside is a command of its own.
			i++
			endCmd()
		case strings.ContainsRune(";&|()\n<>", c):
			endCmd()
		case c == ' ' || c == '\t':
			endWord()
		default:
			word.WriteRune(c)
			inW = true
		}
	}
	endCmd()
	// A redirection target, like "plan.md" in ">plan.md", became a command
	// of its own: harmless for finding make and reconcile calls. Assignments
	// before $( ... ) leave "out=" behind, also harmless.
	return out
}

var targetLine = regexp.MustCompile(`(?m)^([A-Za-z0-9][A-Za-z0-9_.-]*(?:[ \t]+[A-Za-z0-9][A-Za-z0-9_.-]*)*)[ \t]*::?([^=]|$)`)

// makefileTargets reads the repository's Makefile.
func makefileTargets(t *testing.T) map[string]bool {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatalf("cannot read the Makefile the workflows call: %v", err)
	}
	targets := map[string]bool{}
	for _, m := range targetLine.FindAllStringSubmatch(string(b), -1) {
		for _, name := range strings.Fields(m[1]) {
			targets[name] = true
		}
	}
	return targets
}

// cliFlags returns every flag name registered in a package's non-test Go
// files through the flag package's FlagSet methods.
func cliFlags(t *testing.T, dir string) map[string]bool {
	t.Helper()
	fset := token.NewFileSet()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("cannot find the CLI's sources in %s: %v", dir, err)
	}
	// The index of the name argument: fs.String(name, ...), fs.StringVar(&v, name, ...).
	nameArg := map[string]int{
		"String": 0, "Bool": 0, "Int": 0, "Int64": 0, "Uint": 0, "Uint64": 0, "Float64": 0, "Duration": 0, "Func": 0, "BoolFunc": 0,
		"StringVar": 1, "StringArrayVar": 1, "StringSliceVar": 1, "BoolVar": 1, "IntVar": 1, "Int64Var": 1, "UintVar": 1, "Uint64Var": 1, "Float64Var": 1, "DurationVar": 1, "Var": 1, "TextVar": 1,
	}
	flags := map[string]bool{}
	for _, path := range files {
		if strings.HasSuffix(path, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			t.Fatalf("cannot parse %s: %v", path, err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			i, ok := nameArg[sel.Sel.Name]
			if !ok || i >= len(call.Args) {
				return true
			}
			if lit, ok := call.Args[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if name, err := strconv.Unquote(lit.Value); err == nil {
					flags[name] = true
				}
			}
			return true
		})
	}
	if len(flags) == 0 {
		t.Fatalf("found no flag registrations in %s", dir)
	}
	return flags
}
