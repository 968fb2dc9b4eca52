'use strict';
// Server-Sent Events read with fetch() rather than EventSource: EventSource
// cannot send the "Authorization: Bearer" header the server requires.
const nomiaSSE = (() => {
  // Parser turns the text of an event stream, fed in chunks of any size,
  // into events, as the HTML standard's parsing rules say: "field: value"
  // lines, a blank line ends an event, ":" lines are comments.
  class Parser {
    constructor(onEvent) {
      this.onEvent = onEvent;
      this.rest = '';
      this.reset();
    }
    reset() {
      this.type = '';
      this.data = [];
      this.id = null;
    }
    feed(chunk) {
      const lines = (this.rest + chunk).split(/\r\n|\r|\n/);
      this.rest = lines.pop(); // an unfinished line waits for the next chunk
      for (const line of lines) this.line(line);
    }
    line(line) {
      if (line === '') {
        if (this.data.length > 0) this.onEvent(this.type || 'message', this.data.join('\n'), this.id);
        this.reset();
        return;
      }
      if (line.startsWith(':')) return;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') this.type = value;
      else if (field === 'data') this.data.push(value);
      else if (field === 'id') this.id = value;
    }
  }

  // read consumes a fetch Response's body as an event stream until it ends
  // or its request is aborted.
  async function read(response, onEvent) {
    const parser = new Parser(onEvent);
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser.feed(value);
    }
  }

  return { Parser, read };
})();
