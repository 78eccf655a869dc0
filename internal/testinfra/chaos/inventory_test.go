package chaos

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
)

func TestCompare(t *testing.T) {
	state := &reconcile.State{Resources: map[string]reconcile.StateResource{
		"http_api": {Type: "apigw.api", ID: "a1"},
		"repo":     {Type: "ecr.repository", ID: "shop-dev;force"},
		"gone":     {Type: "logs.log_group", ID: "/aws/lambda/shop-gone"},
	}}
	cases := map[string]struct {
		items []Item
		state *reconcile.State
		want  Audit
	}{
		"clean": {
			items: []Item{{"apigw.api", "a1", "name=shop"}, {"ecr.repository", "shop-dev", "shop-dev"}, {"logs.log_group", "/aws/lambda/shop-gone", "/aws/lambda/shop-gone"}},
			state: state,
			want:  Audit{Resources: 3},
		},
		"an api made twice, one recorded, and a log group gone": {
			items: []Item{{"apigw.api", "a1", "name=shop"}, {"apigw.api", "a2", "name=shop"}, {"ecr.repository", "shop-dev", "shop-dev"}},
			state: state,
			want: Audit{Resources: 3,
				Duplicates:  []string{"apigw.api name=shop (a2)"},
				InAWSOnly:   []string{"apigw.api a2"},
				InStateOnly: []string{"logs.log_group /aws/lambda/shop-gone (gone)"},
			},
		},
		"leftovers after a destroy": {
			items: []Item{{"apigw.api", "a1", "name=shop"}},
			want:  Audit{Resources: 1, InAWSOnly: []string{"apigw.api a1"}},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			got := Compare(c.items, c.state)
			if diff := cmp.Diff(c.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
