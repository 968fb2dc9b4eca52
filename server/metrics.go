package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metricsHandler serves /metrics: the daemon's own process metrics, the
// per-program event counters, and the programs' histogram maps as
// Prometheus histograms and counter maps as counters, read at every scrape.
func (s *Server) metricsHandler() http.Handler {
	reg := prometheus.NewRegistry()
	reg.MustRegister(programCollector{s})
	// The daemon's own go_* and process_* metrics come from the default
	// registry, where client_golang registers them at init; registering them
	// again here would import prometheus/collectors and, through it,
	// database/sql into every nomia command.
	gather := prometheus.Gatherers{prometheus.DefaultGatherer, reg}
	// One broken map family must not hide the rest of the scrape.
	return promhttp.HandlerFor(gather, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

var (
	descEvents = prometheus.NewDesc("nomia_program_events_total",
		"Records read from the program's ring and perf buffers.", []string{"program"}, nil)
	descLost = prometheus.NewDesc("nomia_program_lost_records_total",
		"Records the kernel could not deliver because a buffer was full.", []string{"program", "map"}, nil)
	descDecode = prometheus.NewDesc("nomia_program_decode_errors_total",
		"Records shorter than the event type of their map.", []string{"program"}, nil)
	descOverwritten = prometheus.NewDesc("nomia_program_stream_overwritten_total",
		"Events that left the bounded stream buffer before a stream client read them.", []string{"program"}, nil)
	descPaused = prometheus.NewDesc("nomia_program_paused_dropped_total",
		"Records dropped while the program was paused.", []string{"program"}, nil)
	descUp = prometheus.NewDesc("nomia_program_up",
		"1 for a program that runs (or is paused), 0 for a failed one.", []string{"program", "state"}, nil)
)

// programCollector reads the programs at scrape time. It is unchecked
// (Describe sends nothing) because the map families depend on what runs.
type programCollector struct{ s *Server }

// Describe sends nothing: the collector's metrics are known only at scrape time.
func (programCollector) Describe(chan<- *prometheus.Desc) {}

// Collect sends every program's counters and map metrics.
func (c programCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.s.list() {
		d := p.describe()
		counter := func(desc *prometheus.Desc, v uint64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(v), append([]string{p.name}, labels...)...)
		}
		counter(descEvents, d.Counters.Events)
		counter(descDecode, d.Counters.DecodeErrors)
		counter(descOverwritten, d.Counters.Overwritten)
		counter(descPaused, d.Counters.Paused)
		for _, m := range d.EventMaps {
			counter(descLost, d.Counters.Lost[m], m)
		}
		up := 1.0
		if d.State == "failed" {
			up = 0
		}
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, up, p.name, string(d.State))
		if snap, err := p.snapshot(); err == nil {
			for _, m := range snap.Maps {
				for _, e := range m.Entries {
					mapMetrics(ch, p.name, m.Name, e)
				}
			}
		}
	}
}

// entry is the part of a mapview JSON entry that metrics use.
type entry struct {
	Key   json.RawMessage `json:"key"`
	Index json.RawMessage `json:"index"`
	Value json.RawMessage `json:"value"`
	Hist  *struct {
		Unit    string `json:"unit"`
		Buckets []struct {
			Low   *uint64 `json:"low"`
			High  *uint64 `json:"high"`
			Value *uint64 `json:"value"`
			Count uint64  `json:"count"`
		} `json:"buckets"`
	} `json:"hist"`
}

// mapMetrics turns one map entry into metrics: a histogram entry into a
// Prometheus histogram (bucket upper bounds are the log2 buckets' highs or
// the linear buckets' values; the sum is estimated from bucket midpoints, as
// the map holds no sum), a table entry with integer values into one counter
// per integer. Labels: program, and key (the entry's key as JSON, "" for a
// single-entry map).
func mapMetrics(ch chan<- prometheus.Metric, program, mapName string, raw json.RawMessage) {
	var e entry
	if json.Unmarshal(raw, &e) != nil {
		return
	}
	key := string(e.Key)
	if key == "" {
		key = string(e.Index)
	}
	base := "nomia_map_" + metricName(mapName)
	if h := e.Hist; h != nil {
		desc := prometheus.NewDesc(base, "Histogram map "+mapName+" of nomia programs.", []string{"program", "key", "unit"}, nil)
		buckets := map[float64]uint64{}
		var count uint64
		var sum float64
		for _, b := range h.Buckets {
			var le, mid float64
			switch {
			case b.High != nil && b.Low != nil:
				le, mid = float64(*b.High), (float64(*b.Low)+float64(*b.High))/2
			case b.Value != nil:
				le, mid = float64(*b.Value), float64(*b.Value)
			default:
				continue
			}
			count += b.Count
			sum += mid * float64(b.Count)
			buckets[le] = count
		}
		if m, err := prometheus.NewConstHistogram(desc, count, sum, buckets, program, key, h.Unit); err == nil {
			ch <- m
		}
		return
	}
	for field, v := range intValues(e.Value) {
		name := base + "_total"
		if field != "" {
			name = base + "_" + metricName(field) + "_total"
		}
		desc := prometheus.NewDesc(name, "Counter map "+mapName+" of nomia programs.", []string{"program", "key"}, nil)
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, v, program, key)
	}
}

// intValues returns the integers of a value: the value itself under "" when
// it is one, else its integer members by name.
func intValues(v json.RawMessage) map[string]float64 {
	out := map[string]float64{}
	if n, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64); err == nil {
		out[""] = n
		return out
	}
	var obj map[string]json.RawMessage
	if json.Unmarshal(v, &obj) != nil {
		return nil
	}
	for k, raw := range obj {
		if n, err := strconv.ParseFloat(string(raw), 64); err == nil {
			out[k] = n
		}
	}
	return out
}

// metricName makes a map or field name a valid part of a metric name: every
// byte outside [a-zA-Z0-9_] becomes '_' (a multi-byte rune becomes one '_').
func metricName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
