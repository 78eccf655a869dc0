// Package ssmstate keeps a stack's state and lock in SSM Parameter Store,
// one record per project and environment under Prefix(project, env). It
// implements reconcile.StateStore using standard-tier String parameters
// only: the advanced tier costs money per parameter.
//
// # Record format (format 1)
//
// The resources are split into chunks, each the gzip of a JSON object
// {logical name: reconcile.StateResource}, base64-encoded and at most 4096
// bytes. Chunk 0 shares the head parameter <prefix>/state with a one-line
// JSON header; chunks 1..n-1 are <prefix>/state/1 .. <prefix>/state/<n-1>:
//
//	<prefix>/state    = {"f":1,"s":serial,"n":n,"v":[v1,...],"h":digest,...} "\n" chunk0
//	<prefix>/state/i  = chunk i
//
// Each chunk is compressed on its own rather than cutting one gzip stream
// into pieces: in a single stream one changed resource changes every byte
// after it, so every later chunk would be rewritten. Compressed separately,
// a resource stays in the chunk it was first placed in; a Save rewrites only
// the chunks whose resources changed, plus the head (whose header changes on
// every Save anyway). New resources go to chunk 0 for that reason, as does
// the overflow of a chunk that outgrew 4096 bytes; when chunk 0 outgrows its
// share of the head it spills into a new, full chunk at the end. A chunk
// left empty is replaced by the last one, and a record that deletions left
// at more than twice the chunks it needs is packed again. What was last
// written is kept in memory (Load fills it too), so with one resource
// changed a Save writes two parameters. A Store with no memory of the record
// rewrites every chunk once.
//
// # Where the metadata lives, and why it is in the value too
//
// The header in the head's value is authoritative: serial, spec digest,
// tool version, time, chunk count, the SSM version number of every chunk,
// and a SHA-256 digest of all chunk bodies. The head's tags carry the same
// metadata under "reconcile:*" keys for people and tools (the console,
// `aws ssm list-tags-for-resource`); Load never reads them. Tags cannot be
// written in the same call as the value (PutParameter with Overwrite=true
// and Tags is a ValidationException; only the first creation can carry
// Tags), so there is always a moment when the value is new and the tags are
// old. Keeping what Load needs in the value means a crash between the two
// calls leaves a loadable state whose tags lag by one Save.
//
// # Ordering, crashes and torn reads
//
// Save writes the changed chunks first and the head last; stale chunks past
// the new count are deleted after the head. Because the header pins each
// chunk's version, and Load reads chunks with "name:version" selectors, a
// crash after some chunks were written but before the head leaves the
// previous Save loadable, and a reader that read the head before a
// concurrent Save still reads the chunks that head names. The digest is the
// safety net for what pinning cannot cover (a chunk deleted under a reader,
// a hand-edited parameter): Load rereads once on a mismatch or a missing
// chunk, then fails with an error saying the record is inconsistent.
//
// # Limits
//
// SSM keeps 100 versions of a parameter and drops the oldest on the next
// PutParameter, unless the oldest has a label: then PutParameter fails with
// ParameterMaxVersionLimitExceeded. This package never labels versions; do
// not label them by hand. The header has a budget of 1024 bytes, which
// bounds the record at about 100 chunks (a few thousand resources). SSM's
// write throughput is low and shared by the whole account, hence the care
// to write few parameters.
//
// # History
//
// Every Save writes the head, so SSM's 100 versions of it are the last 100
// Saves; each head names its serial, time, the lock holder and operation,
// and pins its chunks' versions. History reads them all with the chunks'
// own histories and says which can be put back; Restore writes one of them
// again as a new serial. A Save that shrinks the record deletes the chunks
// it no longer uses, and SSM deletes a parameter's history with it: the
// versions that pinned those chunks can no longer be restored.
//
// # Lock
//
// The lock is a lease the holder renews every third of its length (2
// minutes by default) while it runs, so a lock whose holder died frees
// itself. SSM has no compare-and-swap and no TTL; what it does guarantee is
// an atomic create-if-absent (PutParameter with Overwrite=false), and the
// lock is built on that alone. <prefix>/lock is created by the stack's
// first run: lease 0 of a chain (the epoch) named by that run's id. Every
// later lease n is a parameter of its own, <prefix>/lock/<epoch>/<n>,
// holding the holder's reconcile.LockInfo and when its lease expires. A
// renewal of lease n, a takeover of an expired lease n, a release of lease
// n and a claim of a released lease n all create lease n+1, so exactly one
// of them exists, however many runs race: the holder that renews in time
// keeps its lock, one taker wins an expired one, one claimant a released
// one. A holder whose lease ran out (stalled past it) fails its next
// renewal and refuses to save the state from then on. Unlock writes the
// release, then deletes the leases before it; nothing deletes the lock
// parameter or the latest lease, so the chain never ends under a run that
// read it. Because old numbers are deleted, a create from a stale read can
// succeed on a number used before: a run trusts a lease it created only
// after listing the chain and finding it the latest, and withdraws it
// otherwise. What this cannot cover is inherent to leases: a holder stalled
// longer than its lease between a check and a write. `reconcile unlock`
// releases a lock at once.
package ssmstate
