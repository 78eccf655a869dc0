// Package kindkit holds the small helpers every kind would otherwise write
// again: tag lists and maps, set difference, the observation after an
// update, picking the one match of a search, and recognising an SDK error
// type such as a service's not-found. It also owns PlanListing, the one
// shape of "what this plan listed", which kinds reset in BeginPlan, and
// Build and ResetIndex, the bodies of NewWithAPI and of an index-only BeginPlan.
package kindkit
