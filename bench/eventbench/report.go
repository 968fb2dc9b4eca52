package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"time"
)

// Targets for `nomia run -j`, from the project's performance brief.
const (
	targetRate     = 3e6
	targetCPUPerEv = 350 * time.Nanosecond
	targetAttach   = 10 * time.Millisecond
	targetRSSKiB   = 15 << 10
)

func (r result) rate() float64 { return float64(r.delivered) / r.prod.elapsed.Seconds() }

func (r result) drops() int64 { return int64(r.prod.calls) - int64(r.delivered) }

func (r result) cpuPerEvent() time.Duration {
	if r.delivered == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.delivered)
}

// printReport writes a Markdown table: one row per consumer, ratios against the
// bare reader of the same run.
func printReport(w io.Writer, alone production, rows []result, d time.Duration, repeat int) {
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(w, "eventbench %s, %s/%s, %d CPUs, producer %v per consumer, median of %d rounds, loadavg at end %s\n\n",
		time.Now().UTC().Format(time.RFC3339), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), d, repeat,
		strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Fprintf(w, "producer alone (no program attached): %.2f M getpid/s\n\n", alone.rate()/1e6)

	var bare *result
	for i := range rows {
		if rows[i].skipped == "" && strings.HasPrefix(rows[i].name, "bare") {
			bare = &rows[i]
		}
	}
	ratio := func(v, base float64) string {
		if bare == nil || base == 0 {
			return "–"
		}
		return fmt.Sprintf("%.2f×", v/base)
	}

	fmt.Fprintln(w, "| consumer | delivered ev/s | vs bare | drops (produced−delivered) | consumer's loss report | reader CPU/ev | vs bare | producer slowdown | vs bare | exec→attached | exit | peak RSS |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, r := range rows {
		if r.skipped != "" {
			fmt.Fprintf(w, "| %s | skipped: %s |||||||||||\n", r.name, strings.ReplaceAll(r.skipped, "|", "/"))
			continue
		}
		slow := alone.rate() / r.prod.rate()
		var bareRate, bareCPU, bareSlow float64
		if bare != nil {
			bareRate, bareCPU = bare.rate(), float64(bare.cpuPerEvent())
			bareSlow = alone.rate() / bare.prod.rate()
		}
		drops := fmt.Sprintf("%d of %d", r.drops(), r.prod.calls)
		if r.failed > 0 {
			drops += fmt.Sprintf(" (ring full %d)", r.failed)
		}
		if !r.verified {
			drops += " ¹"
		}
		cpu, cpuRatio := "–", "–"
		if r.cpu > 0 {
			cpu = fmt.Sprintf("%.3f µs", float64(r.cpuPerEvent())/1e3)
			cpuRatio = ratio(float64(r.cpuPerEvent()), bareCPU)
		}
		fmt.Fprintf(w, "| %s | %.2f M | %s | %s | %s | %s | %s | %.2f× | %s | %s | %s | %s |\n",
			r.name, r.rate()/1e6, ratio(r.rate(), bareRate), drops, orDash(r.reported), cpu, cpuRatio,
			slow, ratio(slow, bareSlow), durOrDash(r.attach), durOrDash(r.exit), rssOrDash(r.rssKiB))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "¹ stdout is /dev/null: delivered = events the program put in the ring; the \"lines counted\" row checks it by counting output lines.")
	printWASMRatios(w, alone, rows)
	fmt.Fprintln(w)
	for _, r := range rows {
		if r.note != "" {
			fmt.Fprintf(w, "- %s: %s\n", r.name, r.note)
		}
	}
	for _, r := range rows {
		if r.skipped == "" && strings.HasPrefix(r.name, "nomia run -j >") {
			fmt.Fprintln(w)
			fmt.Fprintf(w, "targets for `nomia run -j`: rate %s, CPU/event %s, exec→attached %s, peak RSS %s\n",
				check(r.rate() >= targetRate)+rateBound(rows), check(r.cpuPerEvent() <= targetCPUPerEv),
				check(r.attach <= targetAttach), check(r.rssKiB <= targetRSSKiB))
		}
	}
}

// rateBound says when the rate target is out of reach for every reader: the
// tracepoint alone (the floor row) fires less often than the target asks.
func rateBound(rows []result) string {
	for _, r := range rows {
		if r.name == floorRowName && r.skipped == "" && r.rate() < targetRate {
			return fmt.Sprintf(" (unreachable here: the tracepoint alone fires %.2f M/s)", r.rate()/1e6)
		}
	}
	return ""
}

func check(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return strings.ReplaceAll(s, "|", "/")
}

func durOrDash(d time.Duration) string {
	if d == 0 {
		return "–"
	}
	return d.Round(100 * time.Microsecond).String()
}

func rssOrDash(kib int64) string {
	if kib == 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/1024)
}
