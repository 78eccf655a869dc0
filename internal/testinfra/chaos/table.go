package chaos

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/trip-assistant/stack/internal/testinfra/faultproxy"
)

// Print writes the report as one table, each figure against its goal, and
// returns whether every goal is met.
func (r *Report) Print(w io.Writer, runs int) bool {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	ok := true
	row := func(what, figure, goal string, met bool) {
		mark := "ok"
		if !met {
			mark, ok = "MISSED", false
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", what, figure, goal, mark)
	}
	info := func(what, figure, goal string) { fmt.Fprintf(tw, "%s\t%s\t%s\t\n", what, figure, goal) }
	fmt.Fprintln(tw, "figure\tmeasured\tgoal\t")
	var kinds []string
	for _, k := range faultproxy.Kinds {
		kinds = append(kinds, fmt.Sprintf("%s %d", k, r.Faults.Faults[k]))
	}
	info("faults injected", fmt.Sprintf("%d of %d requests (%s)", r.Faults.Total(), r.Faults.Requests, strings.Join(kinds, ", ")), "-")
	for _, op := range []string{"apply", "destroy", "deploy"} {
		n, c := r.Finished[op], r.Converged[op]
		row(op+"s converged in one run", fmt.Sprintf("%d/%d", c, n), "all", c == n)
	}
	row("kills survived", fmt.Sprintf("%d/%d (of %d runs)", r.Survived, r.Kills, runs), "all", r.Survived == r.Kills)
	row("duplicates", fmt.Sprint(r.Duplicates), "0", r.Duplicates == 0)
	row("orphans", fmt.Sprint(r.Orphans), "0", r.Orphans == 0)
	row("lost records", fmt.Sprint(r.LostRecords), "0", r.LostRecords == 0)
	row("alias on a version that failed its smoke test", fmt.Sprint(r.BadAlias), "0", r.BadAlias == 0)
	row("locks left by killed runs, taken over after their lease", fmt.Sprintf("%d/%d", r.TakenOver, r.LocksLeft), "all", r.TakenOver == r.LocksLeft)
	row("recoveries by `reconcile unlock`", fmt.Sprint(r.Unlocks), "0 (leases expire)", r.Unlocks == 0)
	info("lock takeovers", fmt.Sprintf("%d said by the runs, %d leases taken over seen in SSM; %d refusals waited out", r.Takeovers, r.Lock.Takeovers, r.Waits), "-")
	info("racing rounds", fmt.Sprintf("%d rounds: %d runs got the lock, %d were refused naming its holder", r.Races, r.RaceWins, r.RaceRefused), "-")
	row("double holders", fmt.Sprintf("%d (%d polls of the lock's parameters, %d leases seen, %d polls failed)", r.Lock.DoubleHolders, r.Lock.Polls, r.Lock.Leases, r.Lock.Errors),
		"0", r.Lock.DoubleHolders == 0 && r.Lock.Polls > 0)
	_ = tw.Flush()
	return ok
}
