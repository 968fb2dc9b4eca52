// Package server is `nomia serve`: a daemon that runs eBPF packages on behalf
// of API clients, as kernel functions behind a REST API.
//
// A Server supervises programs (package nomia instances). Each program has
// its own reader goroutine that appends decoded events to a bounded ring
// (Config.EventBuffer); streams read that ring at their own pace, so a slow
// or stuck client never slows the program or its neighbours: it loses the
// oldest events, is told so by a "gap" event, and the loss is counted.
//
// The API, under /v1, is described by the OpenAPI document at
// /v1/openapi.json:
//
//	POST   /v1/programs                    start (uploaded package or a reference)
//	GET    /v1/programs                    list
//	GET    /v1/programs/{name}             inspect: programs, attach points, maps, counters
//	DELETE /v1/programs/{name}             stop: detach everything, forget it
//	POST   /v1/programs/{name}/pause       stop buffering events (they are counted)
//	POST   /v1/programs/{name}/resume
//	GET    /v1/programs/{name}/events      events as Server-Sent Events (Last-Event-ID resumes)
//	GET    /v1/programs/{name}/maps        the maps it reports through, now
//	GET    /v1/programs/{name}/maps/{map}  one map or global, now
//	GET    /v1/programs/{name}/snapshots   the maps as Server-Sent Events, every ?interval
//	GET    /healthz                        liveness, no token
//	GET    /metrics                        Prometheus
//
// Every /v1 call and /metrics needs "Authorization: Bearer TOKEN"; the token
// is generated into the state directory (file token, mode 0600) unless one
// is given. Config.NoAuth drops it, on loopback addresses only. Errors are
// JSON {"error":"one line"} with a 4xx status naming the problem.
//
// Started programs are recorded in the state directory with their package,
// flags, options and paused state; New starts them again after a restart. DELETE removes
// the record; Close detaches everything and keeps the records.
package server
