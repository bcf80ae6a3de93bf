package train

import (
	"encoding/json"
	"io"
)

// WriteJSON writes v as JSON with two-space indentation and a final
// newline.
func WriteJSON(w io.Writer, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
