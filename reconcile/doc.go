// Package reconcile is the engine: it plans (observe every resource through
// its Kind, diff it against the spec, decide create, update, replace or
// delete), applies a plan in dependency order with the state written
// behind each operation (Saver), and defines the contracts it holds its
// collaborators to: Kind (and the optional interfaces a kind may add:
// Lister, StackLister, BatchObserver, PlanScoped, Attachment,
// AttrsChangedByUpdate), StateStore and OutputStore.
//
// It never imports a kind or an AWS client: cmd/ and resources/kinds give
// it the kinds, and a new capability of kinds plugs in as an interface.
package reconcile
