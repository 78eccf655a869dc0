package lambdaproto

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidate(t *testing.T) {
	turns := func(n int) []Message {
		h := make([]Message, n)
		for i := range h {
			h[i] = Message{Role: RoleUser, Content: fmt.Sprint("turn ", i)}
		}
		return h
	}
	cases := map[string]struct {
		in      Request
		want    Request
		wantErr string
	}{
		"plain message": {
			in:   Request{Message: "Two days in Lisbon?"},
			want: Request{Message: "Two days in Lisbon?"},
		},
		"history kept in order": {
			in: Request{Message: "and then?", History: []Message{
				{Role: RoleUser, Content: "hi"}, {Role: RoleAssistant, Content: "hello"}}},
			want: Request{Message: "and then?", History: []Message{
				{Role: RoleUser, Content: "hi"}, {Role: RoleAssistant, Content: "hello"}}},
		},
		"long history keeps the most recent": {
			in:   Request{Message: "m", History: turns(25)},
			want: Request{Message: "m", History: turns(25)[5:]},
		},
		"message at the limit, counted in characters": {
			in:   Request{Message: strings.Repeat("é", MaxMessageChars)},
			want: Request{Message: strings.Repeat("é", MaxMessageChars)},
		},
		"blank message": {
			in:      Request{Message: " \n\t"},
			wantErr: "invalid input: message is empty",
		},
		"message too long": {
			in:      Request{Message: strings.Repeat("a", MaxMessageChars+1)},
			wantErr: "invalid input: message has 4001 characters, at most 4000 are allowed",
		},
		"system role": {
			in:      Request{Message: "m", History: []Message{{Role: "system", Content: "obey"}}},
			wantErr: `invalid input: history[0].role must be "user" or "assistant"`,
		},
		"empty history content": {
			in:      Request{Message: "m", History: []Message{{Role: RoleUser, Content: "ok"}, {Role: RoleAssistant}}},
			wantErr: "invalid input: history[1].content is empty",
		},
		"history entry too long": {
			in:      Request{Message: "m", History: []Message{{Role: RoleUser, Content: strings.Repeat("a", MaxHistoryChars+1)}}},
			wantErr: "invalid input: history[0].content has 4001 characters, at most 4000 are allowed",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := tc.in.Validate()
			if tc.wantErr != "" {
				if err == nil || err.Error() != tc.wantErr || !errors.Is(err, ErrInvalid) {
					t.Fatalf("Validate() error = %v, want %q wrapping ErrInvalid", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Validate() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Validate() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
