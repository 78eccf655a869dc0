package reconcile

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/trip-assistant/stack/reconcile/spec"
)

// SecretDigest is how a sensitive value is compared and recorded: never the
// value itself.
func SecretDigest(v string) string {
	sum := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Secret stands for a sensitive value in a plan: its digest, never the
// value. It compares like the value it stands for.
type Secret struct{ Digest string }

// MarshalJSON shows a secret as a plan shows it.
func (s Secret) MarshalJSON() ([]byte, error) { return json.Marshal(Sensitive) }

// secretDigest is the digest of a sensitive value, or of the value a Secret
// stands for.
func secretDigest(v any) string {
	if s, ok := v.(Secret); ok {
		return s.Digest
	}
	return SecretDigest(asString(v))
}

// redact returns p with every sensitive field (inside objects too) replaced
// by its Secret. Unknown values stay as they are: they hold no value yet.
func redact(schema spec.Schema, p spec.Props) spec.Props {
	if p == nil {
		return nil
	}
	out := make(spec.Props, len(p))
	for k, v := range p {
		f := schema[k]
		switch {
		case f.Sensitive && v != nil:
			if _, unknown := v.(spec.Unknown); !unknown {
				v = Secret{Digest: secretDigest(v)}
			}
		case f.Type == spec.Object:
			if m, ok := v.(map[string]any); ok {
				v = map[string]any(redact(f.Fields, spec.Props(m)))
			}
		}
		out[k] = v
	}
	return out
}
