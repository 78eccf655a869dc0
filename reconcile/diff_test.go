package reconcile_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/spec"
)

func functionSchema() spec.Schema {
	return fakekind.Registry(fakekind.NewCloud())[fakekind.Function].Schema()
}

func TestComputeDiff(t *testing.T) {
	live := spec.Props{
		"name": "demo-fn", "role": "arn:r", "memory_size": int64(128), "runtime": "provided.al2023",
		"handlers": []any{"a", "b"}, "environment": map[string]any{"K": "v"}, "image": "repo:v1",
		"token": "s3cret", "config": map[string]any{"timeout": int64(3), "mode": "fast"},
	}
	cases := map[string]struct {
		desired spec.Props
		ignore  []string
		want    reconcile.Diff
	}{
		"equal, defaults filled": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:r", "handlers": []any{"b", "a"}, "environment": map[string]any{"K": "v"}, "token": "s3cret", "config": map[string]any{"timeout": int64(3), "mode": "fast"}},
		},
		"an unset field with a default is set back": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:r", "token": "s3cret", "memory_size": int64(256)},
			want:    reconcile.Diff{{Path: "memory_size", Before: int64(128), After: int64(256)}},
		},
		"create-only and spec-only fields are not compared": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:r", "token": "s3cret", "image": "repo:v2", "thumbprint": "x"},
		},
		"ignored field": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:other", "token": "s3cret"},
			ignore:  []string{"role"},
		},
		"a secret is compared, never shown": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:r", "token": "n3w"},
			want:    reconcile.Diff{{Path: "token", Before: reconcile.Sensitive, After: reconcile.Sensitive, Sensitive: true}},
		},
		"nested object fields by path": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:r", "token": "s3cret", "config": map[string]any{"timeout": int64(30), "mode": "fast"}},
			want:    reconcile.Diff{{Path: "config.timeout", Before: int64(3), After: int64(30)}},
		},
		"unknown value": {
			desired: spec.Props{"name": "demo-fn", "role": spec.Unknown{Ref: "${r.arn}"}, "token": "s3cret"},
			want:    reconcile.Diff{{Path: "role", Before: "arn:r", After: spec.Unknown{Ref: "${r.arn}"}}},
		},
		"force new": {
			desired: spec.Props{"name": "demo-fn", "role": "arn:r", "token": "s3cret", "zone": "b"},
			want:    reconcile.Diff{{Path: "zone", After: "b", ForceNew: true}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := reconcile.ComputeDiff(functionSchema(), tc.desired, live, tc.ignore)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("ComputeDiff() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func BenchmarkDiff(b *testing.B) {
	schema := functionSchema()
	desired := spec.Props{
		"name": "demo-fn", "role": "arn:aws:iam::123456789012:role/demo", "memory_size": int64(512),
		"handlers": []any{"c", "b", "a"}, "token": "s3cret", "image": "repo:v2", "zone": "a",
		"environment": map[string]any{"A": "1", "B": "2", "C": "3", "D": "4"},
		"config":      map[string]any{"timeout": int64(30), "mode": "fast"},
		"tags":        map[string]any{reconcile.TagStack: "demo/dev", reconcile.TagName: "fn", "team": "core"},
	}
	live := spec.Props{
		"name": "demo-fn", "role": "arn:aws:iam::123456789012:role/demo", "memory_size": int64(256), "runtime": "provided.al2023",
		"handlers": []any{"a", "b", "c"}, "token": "old", "image": "repo:v1", "zone": "a",
		"environment": map[string]any{"A": "1", "B": "2", "C": "3", "D": "5"},
		"config":      map[string]any{"timeout": int64(3), "mode": "fast"},
		"tags":        map[string]any{reconcile.TagStack: "demo/dev", reconcile.TagName: "fn"},
	}
	b.ReportAllocs()
	for b.Loop() {
		if d := reconcile.ComputeDiff(schema, desired, live, nil); len(d) != 5 {
			b.Fatalf("%d diffs, want 5: %v", len(d), d.Paths())
		}
	}
}

func BenchmarkLoadSpec(b *testing.B) {
	data := fakekind.GenerateSpec(500)
	o := spec.LoadOptions{Types: reconcile.Schemas(fakekind.Registry(fakekind.NewCloud())), LookupEnv: env(nil)}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		s, err := spec.Load("bench.yaml", data, o)
		if err != nil {
			b.Fatal(err)
		}
		if len(s.Resources) != 500 {
			b.Fatalf("%d resources", len(s.Resources))
		}
	}
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}
