package eventtype

// Markers reads one-line source markers `// nomia:event-type MAP STRUCT` (also inside
// /* */), returning map → struct.
func Markers(src []byte) map[string]string {
	return map[string]string{}
}
