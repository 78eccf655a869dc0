// Package critpath finds the critical path of a finished walk of a
// dependency graph: the chain of dependent operations whose measured
// durations add up to the most, the least time any schedule of the same
// operations could take. It also says, per operation, how long it waited
// once its dependencies were done, which is where a walk loses time.
package critpath
