package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
)

// row is one line of the table; empty cells print as "-".
type row struct {
	Case, Resources, Wall, Calls, PerResource, PeakRSS, StateWrites, Notes string
}

type table struct{ rows []row }

func (t *table) add(r row) {
	t.rows = append(t.rows, r)
	fmt.Fprintf(progressOut, "  %s: %s %s\n", r.Case, r.Wall, r.Calls)
}

func (t *table) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tresources\twall\tAPI calls\tcalls/res\tpeak RSS\tstate writes\tbudget / notes")
	fmt.Fprintln(tw, "----\t---------\t----\t---------\t---------\t--------\t------------\t--------------")
	for _, r := range t.rows {
		cells := []string{r.Case, r.Resources, r.Wall, r.Calls, r.PerResource, r.PeakRSS, r.StateWrites, r.Notes}
		for i, c := range cells {
			if c == "" {
				cells[i] = "-"
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}

func seconds(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func megabytes(kb int64) string {
	if kb == 0 {
		return ""
	}
	return fmt.Sprintf("%.1f MB", float64(kb)/1024)
}

// verdict says whether a measured value is within its budget.
func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
