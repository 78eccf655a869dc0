package main

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"
)

// requestID names the request in logs and in the X-Request-Id response
// header: API Gateway's id in Lambda, so logs join with the access logs;
// otherwise the caller's X-Request-Id if it is sane, or a fresh one.
func requestID(r *http.Request) string {
	if c, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && c.RequestID != "" {
		return c.RequestID
	}
	if id := r.Header.Get("X-Request-Id"); saneID(id) {
		return id
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b[:])
}

// saneID accepts ids that cannot forge log fields or bloat them.
func saneID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == ':':
		default:
			return false
		}
	}
	return true
}
