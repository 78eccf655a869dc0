package policydoc

import (
	"fmt"
	"strings"
)

// GitHubIssuer is the host of GitHub Actions' OIDC provider, as IAM names it
// in provider ARNs and condition keys.
const GitHubIssuer = "token.actions.githubusercontent.com"

const (
	audKey = GitHubIssuer + ":aud"
	subKey = GitHubIssuer + ":sub"
)

// CheckGitHubTrust refuses a trust policy that lets GitHub Actions assume
// the role without pinning the audience to STS and the subject to exactly
// one repository and one branch or environment: without them any workflow
// of any repository on GitHub, or of any branch of the repository, can
// assume it. A statement is GitHub's when its Federated principal is an ARN
// ending in the GitHub issuer, or a ${...} reference (the stack's only
// federated provider is GitHub's, and a reference is not known yet).
// Values holding unresolved references are judged only by what is written
// around the references.
func CheckGitHubTrust(doc any) error {
	d, err := object(doc)
	if err != nil {
		return err
	}
	sts, err := statements(d)
	if err != nil {
		return err
	}
	for i, st := range sts {
		if !strings.EqualFold(fmt.Sprint(st["Effect"]), "Allow") || !federatedByGitHub(st["Principal"]) {
			continue
		}
		if err := checkGitHubConditions(st["Condition"]); err != nil {
			return fmt.Errorf("statement %d trusts GitHub Actions: %w", i+1, err)
		}
	}
	return nil
}

func federatedByGitHub(principal any) bool {
	p, ok := principal.(map[string]any)
	if !ok {
		return false
	}
	for k, v := range p {
		if !strings.EqualFold(k, "Federated") {
			continue
		}
		for _, s := range strs(v) {
			if unresolved(s) || strings.HasSuffix(s, GitHubIssuer) {
				return true
			}
		}
	}
	return false
}

// checkGitHubConditions wants aud = sts.amazonaws.com under StringEquals and
// sub naming one repository under StringEquals or StringLike. Other
// operators (IfExists variants, negations, set operators) do not count:
// they let a token without the claim, or with another value, through.
func checkGitHubConditions(cond any) error {
	blocks, _ := cond.(map[string]any)
	var aud, sub []string
	for op, block := range blocks {
		keys, _ := block.(map[string]any)
		for k, v := range keys {
			switch {
			case strings.EqualFold(k, audKey) && op == "StringEquals":
				aud = append(aud, strs(v)...)
			case strings.EqualFold(k, subKey) && (op == "StringEquals" || op == "StringLike"):
				sub = append(sub, strs(v)...)
			}
		}
	}
	if len(aud) == 0 {
		return fmt.Errorf("add the condition StringEquals %q: \"sts.amazonaws.com\"", audKey)
	}
	for _, a := range aud {
		if !unresolved(a) && a != "sts.amazonaws.com" {
			return fmt.Errorf("condition %q must be \"sts.amazonaws.com\", not %q", audKey, a)
		}
	}
	if len(sub) == 0 {
		return fmt.Errorf("add the condition StringEquals %q: \"repo:OWNER/NAME:ref:refs/heads/BRANCH\" or \"repo:OWNER/NAME:environment:NAME\", naming the one repository, and the branch or environment, that may assume the role", subKey)
	}
	repos := map[string]bool{}
	for _, s := range sub {
		if unresolved(s) {
			// A reference is not known yet, but a wildcard written around
			// it is: "repo:${input.repo}:*" trusts every branch.
			if strings.ContainsAny(withoutRefs(s), "*?") {
				return wildcardSubject(s)
			}
			continue
		}
		repo, err := subjectRepository(s)
		if err != nil {
			return err
		}
		repos[repo] = true
	}
	if len(repos) > 1 {
		return fmt.Errorf("condition %q names %d repositories; a role may trust only one", subKey, len(repos))
	}
	return nil
}

// subjectRepository returns OWNER/NAME from "repo:OWNER/NAME:context".
func subjectRepository(sub string) (string, error) {
	parts := strings.SplitN(sub, ":", 3)
	if len(parts) >= 2 && parts[0] == "repo" && strings.ContainsAny(parts[1], "*?") {
		return "", fmt.Errorf("condition %q is %q; it must name one repository, OWNER/NAME without wildcards", subKey, sub)
	}
	if len(parts) != 3 || parts[0] != "repo" {
		return "", fmt.Errorf("condition %q is %q; it must be \"repo:OWNER/NAME:...\"", subKey, sub)
	}
	owner, name, ok := strings.Cut(parts[1], "/")
	if !ok || owner == "" || name == "" || strings.Contains(name, "/") {
		return "", fmt.Errorf("condition %q is %q; it must name one repository as OWNER/NAME", subKey, sub)
	}
	if parts[2] == "" || strings.ContainsAny(parts[2], "*?") {
		return "", wildcardSubject(sub)
	}
	return parts[1], nil
}

// wildcardSubject is the refusal of a subject that is not one exact
// context: a role GitHub Actions assumes deploys, and "repo:OWNER/NAME:*"
// lets a workflow on any branch of the repository (any pull request's
// branch pushed there) deploy.
func wildcardSubject(sub string) error {
	return fmt.Errorf("condition %q is %q; a deploy role trusts exactly the subject that deploys it, such as \"repo:OWNER/NAME:ref:refs/heads/main\" or \"repo:OWNER/NAME:environment:prod\", never a wildcard, which lets any branch of the repository deploy", subKey, sub)
}

// withoutRefs is s with its ${...} references removed.
func withoutRefs(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		j := strings.Index(s[i:], "}")
		if j < 0 {
			return b.String()
		}
		s = s[i+j+1:]
	}
}

// unscopedActions lists actions AWS authorizes only on "*": they have no
// resource type, so naming resources is impossible.
var unscopedActions = map[string]bool{
	"ecr:getauthorizationtoken": true,
	"sts:getcalleridentity":     true,
	"xray:puttracesegments":     true,
	"xray:puttelemetryrecords":  true,
}

// CheckLeastPrivilege refuses an Allow statement that grants its actions on
// every resource ("*" or no Resource at all) or grants everything but a list
// (NotAction). Actions that AWS authorizes only on "*" are let through.
func CheckLeastPrivilege(doc any) error {
	d, err := object(doc)
	if err != nil {
		return err
	}
	sts, err := statements(d)
	if err != nil {
		return err
	}
	for i, st := range sts {
		if !strings.EqualFold(fmt.Sprint(st["Effect"]), "Allow") {
			continue
		}
		if _, ok := st["NotAction"]; ok {
			return fmt.Errorf("least privilege: statement %d allows everything but %s; list the actions instead", i+1, strings.Join(strs(st["NotAction"]), ", "))
		}
		actions := strs(st["Action"])
		resources := strs(st["Resource"])
		everywhere := len(resources) == 0
		for _, r := range resources {
			if r == "*" {
				everywhere = true
			}
		}
		if !everywhere || onlyUnscoped(actions) {
			continue
		}
		return fmt.Errorf("least privilege: statement %d allows %s on every resource; name the resources", i+1, strings.Join(actions, ", "))
	}
	return nil
}

func onlyUnscoped(actions []string) bool {
	for _, a := range actions {
		if !unscopedActions[strings.ToLower(a)] {
			return false
		}
	}
	return len(actions) > 0
}
