package stackgen

import (
	"fmt"
	"strings"
)

// GroupSize is how many resources one service of a generated stack has.
const GroupSize = 10

// Mix names how many resources of each type one service holds.
var Mix = map[string]int{
	"ssm.parameter":   3,
	"logs.log_group":  2,
	"ecr.repository":  1,
	"iam.role":        1,
	"iam.role_policy": 1,
	"lambda.function": 2,
}

// Spec writes a spec of n resources (rounded up to a multiple of
// GroupSize), project "bench", environment "dev". Each service is three
// parameters, two log groups, a repository, a role with an inline policy
// naming the logs and a parameter, and two functions using the role and
// the repository's image: the graph is four levels deep (role, policy,
// functions; the rest are roots) and n/GroupSize wide.
func Spec(n int) []byte {
	var b strings.Builder
	b.WriteString("project: bench\nenvironment: dev\nregion: us-east-2\nresources:\n")
	for i := 0; i*GroupSize < n; i++ {
		service(&b, i)
	}
	return []byte(b.String())
}

func service(b *strings.Builder, i int) {
	s := fmt.Sprintf("s%03d", i)
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	for _, p := range []string{"a", "b", "c"} {
		w("  %s_param_%s:\n    type: ssm.parameter\n    properties:\n", s, p)
		w("      name: /${project}/${environment}/%s/%s\n", s, p)
		w("      value: value-%s-%s\n", s, p)
		w("      tags: {service: %s}\n", s)
	}
	for _, f := range []string{"api", "worker"} {
		w("  %s_%s_logs:\n    type: logs.log_group\n    properties:\n", s, f)
		w("      name: /aws/lambda/${project}-%s-%s-${environment}\n", s, f)
		w("      retention_days: 7\n")
	}
	w("  %s_repo:\n    type: ecr.repository\n    properties:\n", s)
	w("      name: ${project}-%s-${environment}\n", s)
	w("      force_delete: true\n")
	w("      lifecycle_policy:\n        rules:\n          - rulePriority: 1\n            selection: {tagStatus: any, countType: imageCountMoreThan, countNumber: 10}\n            action: {type: expire}\n")
	w("  %s_role:\n    type: iam.role\n    properties:\n", s)
	w("      name: ${project}-%s-${environment}\n", s)
	w("      assume_role_policy:\n        Version: \"2012-10-17\"\n        Statement:\n          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: \"sts:AssumeRole\"}\n")
	w("  %s_policy:\n    type: iam.role_policy\n    properties:\n", s)
	w("      role: ${%s_role.name}\n      name: %s\n", s, s)
	w("      policy:\n        Version: \"2012-10-17\"\n        Statement:\n")
	w("          - {Effect: Allow, Action: [\"logs:CreateLogStream\", \"logs:PutLogEvents\"], Resource: [\"${%s_api_logs.arn}\", \"${%s_worker_logs.arn}\"]}\n", s, s)
	w("          - {Effect: Allow, Action: \"ssm:GetParameter\", Resource: \"${%s_param_a.arn}\"}\n", s)
	for _, f := range []string{"api", "worker"} {
		w("  %s_%s:\n    type: lambda.function\n    depends_on: [%s_%s_logs, %s_policy]\n    properties:\n", s, f, s, f, s)
		w("      name: ${project}-%s-%s-${environment}\n", s, f)
		w("      role: ${%s_role.arn}\n", s)
		w("      package_type: Image\n")
		w("      image_uri: ${%s_repo.url}:v1\n", s)
		w("      architectures: [arm64]\n      memory_size: 256\n      timeout: 30\n")
		w("      environment: {PARAM: \"${%s_param_a.name}\", STAGE: \"${environment}\"}\n", s)
	}
}
