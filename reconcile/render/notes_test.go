package render_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/reconcile/internal/fakekind"
	"github.com/trip-assistant/stack/reconcile/render"
)

// notesPlan is a plan of before, applied, then planned again with the
// secret's input unset and narrowed to fn.
func notesPlan(t *testing.T) *reconcile.Plan {
	t.Helper()
	h := fakekind.NewHarness()
	h.Env["TOKEN"] = "s3cret-value"
	h.Apply(t.Context(), t, h.Load(t, before, ""), false)
	delete(h.Env, "TOKEN")
	h.AllowUnsetInputs = true
	p, err := h.PlanWith(t.Context(), h.Load(t, before, ""), reconcile.PlanOptions{Targets: []string{"fn", "secret"}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestNotesInEveryFormat(t *testing.T) {
	p := notesPlan(t)
	scope := "Targeted plan (--target fn, --target secret): 4 resource(s) left out, neither read nor changed: fn2, gone, live, old."
	note := "fake.secret secret  value: not compared (TOKEN unset)"
	cases := map[string]func(*bytes.Buffer){
		"text":     func(b *bytes.Buffer) { render.Text(b, p, render.Style{}) },
		"markdown": func(b *bytes.Buffer) { render.Markdown(b, p) },
	}
	for name, write := range cases {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			write(&b)
			for _, want := range []string{scope, note} {
				if !strings.Contains(b.String(), want) {
					t.Errorf("%s output lacks %q:\n%s", name, want, b.String())
				}
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		var b bytes.Buffer
		if err := render.JSON(&b, render.NewDocument(p, nil, nil)); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Targets  []string `json:"targets"`
			Excluded []string `json:"excluded"`
			Changes  []struct {
				Name        string                  `json:"name"`
				NotCompared []reconcile.NotCompared `json:"not_compared"`
			} `json:"changes"`
		}
		if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"fn", "secret"}, doc.Targets); diff != "" {
			t.Errorf("targets mismatch (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"fn2", "gone", "live", "old"}, doc.Excluded); diff != "" {
			t.Errorf("excluded mismatch (-want +got):\n%s", diff)
		}
		got := map[string][]reconcile.NotCompared{}
		for _, c := range doc.Changes {
			if c.NotCompared != nil {
				got[c.Name] = c.NotCompared
			}
		}
		want := map[string][]reconcile.NotCompared{"secret": {{Path: "value", Reason: "TOKEN unset"}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("not_compared mismatch (-want +got):\n%s", diff)
		}
		if strings.Contains(b.String(), "s3cret-value") {
			t.Error("the JSON plan holds the secret")
		}
	})
}
