package deploy

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/trip-assistant/stack/reconcile"
)

// Keys are the keys of the function's StateResource.Extra that a deploy
// owns: what it last deployed, when, and what a rollback undid.
var Keys = []string{"image", "version", "deployed_at", "rolled_back_from", "failed_image"}

// record replaces what the state remembers of the function's last deploy,
// keeping what other commands recorded.
func (d *deployment) record(deploy map[string]string) {
	r := d.state.Resources[d.t.fn]
	extra := make(map[string]string, len(r.Extra)+len(deploy)+1)
	for k, v := range r.Extra {
		if !slices.Contains(Keys, k) {
			extra[k] = v
		}
	}
	maps.Copy(extra, deploy)
	extra["deployed_at"] = time.Now().UTC().Format(time.RFC3339)
	r.Extra = extra
	d.state.Resources[d.t.fn] = r
}

// save records deploy in the state through the writer apply uses, even
// when ctx was cancelled: what was deployed is live and must be known.
func (d *deployment) save(ctx context.Context, deploy map[string]string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	d.record(deploy)
	sv := reconcile.NewSaver(ctx, d.Store, d.state)
	sv.Dirty(d.state)
	return sv.Close(d.state)
}
