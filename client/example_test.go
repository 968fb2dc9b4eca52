package client_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"nomia.dev/nomia/client"
	"nomia.dev/nomia/server/api"
)

// Example follows a program's events. The stand-in server here sends two
// events and ends the stream, as `nomia serve` does when the program stops.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "id: 1\nevent: event\ndata: {\"seq\":1,\"map\":\"events\",\"data\":{\"pid\":42}}\n\n")
		fmt.Fprint(w, "id: 2\nevent: event\ndata: {\"seq\":2,\"map\":\"events\",\"data\":{\"pid\":43}}\n\n")
		fmt.Fprint(w, "event: end\ndata: {}\n\n")
	}))
	defer srv.Close()

	c := client.New(srv.URL, "TOKEN")
	err := c.Events(context.Background(), "opens", client.StreamOptions{}, func(ev api.Event) error {
		fmt.Printf("%d %s %s\n", ev.Seq, ev.Map, ev.Data)
		return nil
	})
	fmt.Println(errors.Is(err, client.ErrProgramEnded))
	// Output:
	// 1 events {"pid":42}
	// 2 events {"pid":43}
	// true
}
