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
// one repository: without them any workflow of any repository on GitHub can
// assume it. A statement is GitHub's when its Federated principal is an ARN
// ending in the GitHub issuer, or a ${...} reference (the stack's only
// federated provider is GitHub's, and a reference is not known yet).
// Values holding unresolved references are not judged.
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
		return fmt.Errorf("add the condition StringLike %q: \"repo:OWNER/NAME:*\" naming the one repository that may assume the role", subKey)
	}
	repos := map[string]bool{}
	for _, s := range sub {
		if unresolved(s) {
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
	return parts[1], nil
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
