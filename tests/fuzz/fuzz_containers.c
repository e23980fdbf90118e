// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the container id and metadata parsers (track/):
 * the input is up to five parts separated by "\n--\n" lines:
 *
 *   cgroup path (as an exec record carries it)
 *   docker config.v2.json      containerd config.json (namespace k8s.io)
 *   cri-o config.json          podman config.json
 *
 * A state file is written for each part given (a missing or empty part: no
 * file), all under the directories of one fixed container id. The id found
 * in the cgroup path (else the fixed one) and the full id are looked up,
 * each answer checked against the cache's; then the path itself as an id,
 * and the first id again once its entry expired.
 * Build: make fuzz-containers; seeds: tests/fuzz/corpus_containers/.
 */
#include <ctype.h>
#include <errno.h>
#include <sys/stat.h>

#include "fuzz_util.h"
#include "track/container_id.h"
#include "track/containers.h"

/* The one container the state directories belong to. */
#define FULL_ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SHORT_ID "0123456789ab"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char root[256], roots[4][300];
static const char *const files[4] = {
	"docker/" FULL_ID "/config.v2.json",
	"containerd/k8s.io/" FULL_ID "/config.json",
	"crio/" FULL_ID "/userdata/config.json",
	"podman/" FULL_ID "/userdata/config.json",
};

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static void mkdirs(const char *rel)
{
	char path[512], *s;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (s = path + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	mkdir(path, 0755);
}

static void setup(void)
{
	static const char *const names[4] = { "docker", "containerd", "crio", "podman" };
	size_t i;

	snprintf(root, sizeof(root), "%s", fuzz_mkdtemp("containers"));
	mkdirs("docker/" FULL_ID);
	mkdirs("containerd/k8s.io/" FULL_ID);
	mkdirs("containerd/.hidden");
	mkdirs("crio/" FULL_ID "/userdata");
	mkdirs("podman/" FULL_ID "/userdata");
	for (i = 0; i < 4; i++)
		snprintf(roots[i], sizeof(roots[i]), "%s/%s", root, names[i]);
}

/* The id is 12 lowercase hex digits copied from the path. */
static void check_id(const char *path, size_t len, const char *id,
		     enum saker_container_type t)
{
	size_t i;

	if (strlen(id) != SAKER_CONTAINER_ID_LEN || !memmem(path, len, id, SAKER_CONTAINER_ID_LEN))
		abort();
	for (i = 0; i < SAKER_CONTAINER_ID_LEN; i++)
		if (!isxdigit((unsigned char)id[i]) || isupper((unsigned char)id[i]))
			abort();
	if (t == SAKER_CT_HOST || t > SAKER_CT_KUBEPODS ||
	    !strcmp(saker_container_type_name(t), "host"))
		abort();
}

/* The repository and tag are inside the image name, in order. */
static void check_image(const char *image)
{
	size_t len = strlen(image), repo_len, tag_len;
	const char *tag;

	saker_image_split(image, &repo_len, &tag, &tag_len);
	if (repo_len > len || tag < image + repo_len || tag + tag_len > image + len)
		abort();
	if (tag_len && (tag != image + repo_len + 1 || image[repo_len] != ':'))
		abort();
}

static unsigned int touch(const char *s)
{
	return s ? (unsigned int)strlen(s) : 0;
}

static void lookup(struct saker_containers *c, const char *id)
{
	struct saker_container_meta m, again;
	volatile unsigned int sink;
	int r = saker_containers_lookup(c, id, &m);

	if (r && r != -ENOENT && r != -ENOMEM)
		abort();
	if (r)
		return;
	sink = touch(m.name) + touch(m.k8s_ns) + touch(m.k8s_pod) + touch(m.image);
	(void)sink;
	if (m.image)
		check_image(m.image);
	/* From the cache: the same answer. */
	if (saker_containers_lookup(c, id, &again) || again.name != m.name ||
	    again.image != m.image || again.k8s_ns != m.k8s_ns || again.k8s_pod != m.k8s_pod)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saker_containers_config cfg = {
		.containerd_root = roots[1], .docker_root = roots[0],
		.crio_root = roots[2], .podman_root = roots[3],
		.ttl_s = 10, .negative_ttl_s = 1, .now_s = fake_clock,
	};
	char id[SAKER_CONTAINER_ID_LEN + 1], *path;
	struct fuzz_part parts[5] = { { 0 } };
	struct saker_containers_stats st;
	enum saker_container_type t;
	struct saker_containers *c;
	size_t n, i;

	if (!root[0])
		setup();
	n = fuzz_split(data, size, parts, 5);
	for (i = 0; i < 4; i++) {
		if (i + 1 < n && parts[i + 1].len)
			fuzz_put(root, files[i], parts[i + 1].p, parts[i + 1].len);
		else
			fuzz_unlink(root, files[i]);
	}
	/* Never NULL: a record's empty cgroup still points into the record. */
	if (!parts[0].p)
		parts[0].p = "";
	path = strndup(parts[0].p, parts[0].len);
	if (!path)
		abort();
	if (!saker_container_id_parse(parts[0].p, parts[0].len, id, &t))
		check_id(parts[0].p, parts[0].len, id, t);
	else
		strcpy(id, SHORT_ID);
	fake_now = 1000;
	c = saker_containers_new(&cfg);
	if (!c)
		abort();
	lookup(c, id);
	lookup(c, FULL_ID);
	/* Any string as an id: refused, or looked up inside the roots. */
	lookup(c, path);
	fake_now += 100;	/* expired: read again */
	lookup(c, id);
	saker_containers_stats(c, &st);
	if (st.found + st.not_found + st.cache_hits > st.lookups || st.cached > 3)
		abort();
	saker_containers_free(c);
	free(path);
	return 0;
}
