// Package httpapi reconciles API Gateway v2 HTTP APIs: the API itself
// (apigw.api, with its CORS configuration), its Lambda proxy integrations
// (apigw.integration), routes (apigw.route) and stages (apigw.stage).
//
// The four kinds share one client interface, the composite IDs
// "apiId/childId" and the tagging ARNs, so they live in one package; each
// kind has its own kind_<kind>.go file. The api and stage kinds of a run
// also share one GetApis listing per plan (listing.go).
package httpapi
