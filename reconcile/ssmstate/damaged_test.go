package ssmstate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// damages are the ways a record gets damaged, done through the SSM API as
// a person or a bug would, each with what the error must say.
var damages = map[string]struct {
	damage  func(ctx context.Context, api API) error
	wantErr []string
}{
	"truncated head": {
		damage: func(ctx context.Context, api API) error {
			return editHead(ctx, api, func(v string) string { return v[:len(v)/2] })
		},
		wantErr: []string{"is damaged", "chunks digest to"},
	},
	"header cut off": {
		damage: func(ctx context.Context, api API) error {
			return editHead(ctx, api, func(v string) string { return v[:40] })
		},
		wantErr: []string{"is damaged", "no header line"},
	},
	"corrupt chunk bytes": {
		damage: func(ctx context.Context, api API) error {
			return editHead(ctx, api, func(v string) string {
				line, body, _ := strings.Cut(v, "\n")
				return line + "\n" + body[:10] + "!!!!" + body[14:]
			})
		},
		wantErr: []string{"is damaged", "chunks digest to"},
	},
	"corrupt header": {
		damage: func(ctx context.Context, api API) error {
			return editHead(ctx, api, func(v string) string { return "{\"f\":1,\"s\":" + v[20:] })
		},
		wantErr: []string{"is damaged", "unreadable header"},
	},
	"a chunk missing": {
		damage: func(ctx context.Context, api API) error {
			_, err := api.DeleteParameter(ctx, &ssm.DeleteParameterInput{Name: aws.String(headName + "/2")})
			return err
		},
		wantErr: []string{"is damaged", "inconsistent after a second read", headName + "/2"},
	},
	"written by a newer version": {
		damage: func(ctx context.Context, api API) error {
			return editHead(ctx, api, func(v string) string {
				return strings.Replace(strings.Replace(v, `"f":1`, `"f":2`, 1), `"tv":"v0.3.1-dev+4904e97"`, `"tv":"v9.0.0"`, 1)
			})
		},
		wantErr: []string{"written by reconcile v9.0.0 in record format 2", "this reconcile reads format 1", "Upgrade reconcile"},
	},
}

func editHead(ctx context.Context, api API, edit func(string) string) error {
	out, err := api.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(headName)})
	if err != nil {
		return err
	}
	_, err = api.PutParameter(ctx, &ssm.PutParameterInput{Name: aws.String(headName), Value: aws.String(edit(aws.ToString(out.Parameter.Value))),
		Type: types.ParameterTypeString, Tier: types.ParameterTierStandard, Overwrite: aws.Bool(true)})
	return err
}

// checkDamaged checks that err is a *DamagedError saying what is wrong and
// naming the commands that recover.
func checkDamaged(t *testing.T, err error, want []string) {
	t.Helper()
	var d *DamagedError
	if !errors.As(err, &d) {
		t.Fatalf("Load() = %v, want *DamagedError", err)
	}
	for _, w := range append(want, "trip-assistant/dev", "Nothing was changed", "reconcile state history", "reconcile state restore SERIAL") {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error lacks %q:\n%v", w, err)
		}
	}
}

func TestLoadDamagedRecord(t *testing.T) {
	for name, tc := range damages {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			f, m := newMemSSM()
			if err := NewWithAPI(f, project, env).Save(ctx, realisticState(200)); err != nil {
				t.Fatal(err)
			}
			if err := tc.damage(ctx, f); err != nil {
				t.Fatal(err)
			}
			puts := m.putCount()
			_, err := NewWithAPI(f, project, env).Load(ctx)
			checkDamaged(t, err, tc.wantErr)
			if n := m.putCount() - puts; n != 0 {
				t.Errorf("Load() of a damaged record wrote %d parameters", n)
			}
		})
	}
}
