package tagindex_test

import (
	"testing"

	"github.com/trip-assistant/stack/reconcile"
	"github.com/trip-assistant/stack/resources/ecrrepo"
	"github.com/trip-assistant/stack/resources/internal/tagindex/tagindextest"
	"github.com/trip-assistant/stack/resources/loggroup"
	"github.com/trip-assistant/stack/resources/ssmparam"
)

// TestKindsResetTheIndexWhenAPlanBegins: every kind holding a tag index
// resets it in BeginPlan, so each plan confirms tags from its own listing,
// never an earlier plan's.
func TestKindsResetTheIndexWhenAPlanBegins(t *testing.T) {
	kinds := map[string]func(*tagindextest.ResetCounter) reconcile.Kind{
		"ssm.parameter": func(x *tagindextest.ResetCounter) reconcile.Kind {
			return ssmparam.NewWithAPI(nil, ssmparam.WithTagIndex(x))
		},
		"logs.log_group": func(x *tagindextest.ResetCounter) reconcile.Kind {
			return loggroup.NewWithAPI(nil, loggroup.WithTagIndex(x))
		},
		"ecr.repository": func(x *tagindextest.ResetCounter) reconcile.Kind {
			return ecrrepo.NewWithAPI(nil, ecrrepo.WithTagIndex(x))
		},
	}
	for name, build := range kinds {
		t.Run(name, func(t *testing.T) {
			idx := &tagindextest.ResetCounter{}
			k, ok := build(idx).(reconcile.PlanScoped)
			if !ok {
				t.Fatal("the kind is not reconcile.PlanScoped")
			}
			k.BeginPlan()
			k.BeginPlan()
			if idx.Resets != 2 {
				t.Errorf("tag index reset %d times over two plans, want 2", idx.Resets)
			}
		})
	}
}
