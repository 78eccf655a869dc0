package workflows

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

const awsCredentialsAction = "aws-actions/configure-aws-credentials"

// TestLeastPrivilege: every workflow declares its token's permissions, read
// only at the top; a job may add `id-token: write` (GitHub OIDC) only when
// it assumes an AWS role, and nothing else may write.
func TestLeastPrivilege(t *testing.T) {
	for _, w := range loadWorkflows(t) {
		p := w.ast.Permissions
		if p == nil {
			t.Errorf("%s: no top-level permissions: the token would get the repository's defaults", w.file)
		} else {
			checkScopes(t, w.file, p, nil)
		}
		for _, id := range jobIDs(w) {
			job := w.ast.Jobs[id]
			where := w.file + " job " + id
			assumesRole := len(awsCredentialSteps(job)) > 0
			if job.Permissions != nil {
				checkScopes(t, where, job.Permissions, map[string]bool{"id-token": assumesRole})
			}
			if assumesRole && scope(job.Permissions, "id-token") != "write" {
				t.Errorf("%s: assumes an AWS role but does not grant id-token: write at job level", where)
			}
		}
	}
}

var repoVariable = regexp.MustCompile(`^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$`)

// TestAWSThroughOIDC: AWS credentials come only from a role assumed with
// GitHub's OIDC token, named by a repository variable; no stored keys.
func TestAWSThroughOIDC(t *testing.T) {
	for _, w := range loadWorkflows(t) {
		for _, id := range jobIDs(w) {
			for _, a := range awsCredentialSteps(w.ast.Jobs[id]) {
				where := w.file + " job " + id + ": " + a.Uses.Value
				for name := range a.Inputs {
					if strings.Contains(name, "access-key") || strings.Contains(name, "session-token") {
						t.Errorf("%s: input %s: use OIDC (role-to-assume), never stored keys", where, name)
					}
				}
				role, ok := a.Inputs["role-to-assume"]
				if !ok || role.Value == nil || !repoVariable.MatchString(role.Value.Value) {
					t.Errorf("%s: role-to-assume must be a repository variable, ${{ vars.NAME }}", where)
				}
				if r, ok := a.Inputs["aws-region"]; !ok || r.Value == nil || r.Value.Value != "us-east-2" {
					t.Errorf("%s: aws-region must be us-east-2, the stack's region", where)
				}
			}
		}
	}
}

// checkScopes fails on any write permission but those allowed.
func checkScopes(t *testing.T, where string, p *actionlint.Permissions, allowedWrite map[string]bool) {
	t.Helper()
	if p.All != nil {
		t.Errorf("%s: permissions: %s; list the scopes the job needs", where, p.All.Value)
	}
	names := make([]string, 0, len(p.Scopes))
	for name := range p.Scopes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if v := scope(p, name); v == "write" && !allowedWrite[name] {
			t.Errorf("%s: %s: write is not needed here", where, name)
		}
	}
}

func scope(p *actionlint.Permissions, name string) string {
	if p == nil {
		return ""
	}
	s, ok := p.Scopes[name]
	if !ok || s.Value == nil {
		return ""
	}
	return s.Value.Value
}

func awsCredentialSteps(job *actionlint.Job) []*actionlint.ExecAction {
	var out []*actionlint.ExecAction
	for _, s := range job.Steps {
		if a, ok := s.Exec.(*actionlint.ExecAction); ok && a.Uses != nil &&
			strings.HasPrefix(a.Uses.Value, awsCredentialsAction+"@") {
			out = append(out, a)
		}
	}
	return out
}

func jobIDs(w workflow) []string {
	ids := make([]string, 0, len(w.ast.Jobs))
	for id := range w.ast.Jobs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
