package ecrrepo

import "strings"

// The ID is the repository name, with ";force" appended when Delete must
// remove the repository together with its images. force_delete is not
// stored in AWS, yet a repository removed from the spec is deleted by its ID
// alone, so the ID is where the choice survives between runs.
const forceSuffix = ";force"

func idFor(name string, force bool) string {
	if force {
		return name + forceSuffix
	}
	return name
}

func parseID(id string) (name string, force bool) {
	name, force = strings.CutSuffix(id, forceSuffix)
	return name, force
}
