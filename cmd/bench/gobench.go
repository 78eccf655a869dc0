package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// goBenchRows runs the Go benchmarks of the pure parts (and any the api
// package has) and adds one row each: ns/op as wall, B/op and allocs/op as
// notes.
func goBenchRows(ctx context.Context, t *table, root string) error {
	progress("running the Go benchmarks...")
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "./reconcile/...", "./api/", "./agent/")
	cmd.Dir = root
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go test -bench failed: %w\n%s", err, tail(out.String()))
	}
	pkg := ""
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		line := sc.Text()
		if p, ok := strings.CutPrefix(line, "pkg: github.com/trip-assistant/stack/"); ok {
			pkg = p
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		// name N value unit value unit ...
		units := map[string]string{}
		for i := 2; i+1 < len(f); i += 2 {
			units[f[i+1]] = f[i]
		}
		r := row{Case: "go " + pkg + " " + f[0], Wall: units["ns/op"] + " ns/op"}
		var notes []string
		for _, u := range []string{"B/op", "allocs/op", "MB/s"} {
			if v, ok := units[u]; ok {
				notes = append(notes, v+" "+u)
			}
		}
		r.Notes = strings.Join(notes, ", ")
		t.add(r)
	}
	return nil
}
