// SPDX-License-Identifier: GPL-2.0
/* Container ids from every cgroup layout sakerd knows, and container
 * metadata from fake runtime state files (docker, containerd/CRI, cri-o,
 * podman), with the cache and its negative expiry. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules_testlib.h"
#include "track/containers.h"
#include "check_main.h"

#define ID1 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID2 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
#define ID3 "aaaabbbbccccddddeeeeffff0000111122223333444455556666777788889999"
#define ID4 "1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff"

static const struct {
	const char *path;
	const char *id;
	enum saker_container_type type;
} layouts[] = {
	/* docker, systemd and cgroupfs drivers, rootless */
	{ "/system.slice/docker-" ID1 ".scope", "0123456789ab", SAKER_CT_DOCKER },
	{ "/docker/" ID1, "0123456789ab", SAKER_CT_DOCKER },
	{ "/user.slice/user-1000.slice/user@1000.service/docker-" ID1 ".scope", "0123456789ab", SAKER_CT_DOCKER },
	/* kubernetes + containerd (CRI), systemd and cgroupfs drivers */
	{ "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1_2.slice/cri-containerd-" ID2 ".scope", "fedcba987654", SAKER_CT_CONTAINERD },
	{ "/kubepods/burstable/pod0a1b2c3d-1111-2222-3333-444455556666/" ID2, "fedcba987654", SAKER_CT_KUBEPODS },
	{ "/kubepods/" ID2, "fedcba987654", SAKER_CT_KUBEPODS },
	/* kubernetes + cri-o */
	{ "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod9.slice/crio-" ID3 ".scope", "aaaabbbbcccc", SAKER_CT_CRIO },
	{ "/kubepods/besteffort/pod9/crio-" ID3, "aaaabbbbcccc", SAKER_CT_CRIO },
	/* podman, systemd (root and rootless) and cgroupfs */
	{ "/machine.slice/libpod-" ID4 ".scope/container", "111122223333", SAKER_CT_PODMAN },
	{ "/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID4 ".scope", "111122223333", SAKER_CT_PODMAN },
	{ "/libpod_parent/libpod-" ID4, "111122223333", SAKER_CT_PODMAN },
};

START_TEST(test_cgroup_layouts)
{
	char id[SAKER_CONTAINER_ID_LEN + 1];
	enum saker_container_type t;

	ck_assert_int_eq(saker_container_id_parse(layouts[_i].path, strlen(layouts[_i].path), id, &t), 0);
	ck_assert_str_eq(id, layouts[_i].id);
	ck_assert_int_eq(t, layouts[_i].type);
}
END_TEST

START_TEST(test_not_containers)
{
	static const char *const paths[] = {
		"/", "/init.scope", "/system.slice/containerd.service",
		"/machine.slice/libpod-conmon-" ID4 ".scope",
		"/kubepods.slice/crio-conmon-" ID3 ".scope",
		"/system.slice/docker-" "0123" ".scope",
		"/kubepods.slice/kubepods-burstable.slice",
	};
	char id[SAKER_CONTAINER_ID_LEN + 1];
	size_t i;

	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		ck_assert_msg(saker_container_id_parse(paths[i], strlen(paths[i]), id, NULL) == -ENOENT,
			      "%s", paths[i]);
}
END_TEST

static char root[64];

static void mkdirs(const char *rel)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", root, rel);
	ck_assert_int_eq(system(cmd), 0);
}

static void put(const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static uint64_t fake_now;

static uint64_t fake_clock(void)
{
	return fake_now;
}

static struct saker_containers *make(void)
{
	char d[4][128];
	struct saker_containers_config cfg = { .ttl_s = 100, .negative_ttl_s = 5,
					       .now_s = fake_clock };

	snprintf(d[0], sizeof(d[0]), "%s/containerd", root);
	snprintf(d[1], sizeof(d[1]), "%s/docker", root);
	snprintf(d[2], sizeof(d[2]), "%s/crio", root);
	snprintf(d[3], sizeof(d[3]), "%s/podman", root);
	cfg.containerd_root = d[0];
	cfg.docker_root = d[1];
	cfg.crio_root = d[2];
	cfg.podman_root = d[3];
	return saker_containers_new(&cfg);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/saker-ctr-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(root));
	mkdirs("docker/" ID1);
	put("docker/" ID1 "/config.v2.json",
	    "{\"ID\":\"" ID1 "\",\"Name\":\"/web\",\"Config\":{\"Image\":\"nginx:1.25\","
	    "\"Labels\":{\"maintainer\":\"x\"}},\"State\":{\"Running\":true},"
	    "\"MountPoints\":{\"/var/run/docker.sock\":{\"Source\":\"/var/run/docker.sock\","
	    "\"Destination\":\"/var/run/docker.sock\",\"RW\":true,\"Type\":\"bind\","
	    "\"Relabel\":\"\",\"Propagation\":\"rprivate\"},"
	    "\"/data\":{\"Source\":\"/srv/web\",\"Destination\":\"/data\",\"RW\":false,"
	    "\"Relabel\":\"z\",\"Propagation\":\"\"}}}");
	put("docker/" ID1 "/hostconfig.json", "{\"Privileged\":true,\"Binds\":[]}");
	mkdirs("containerd/k8s.io/" ID2);
	put("containerd/k8s.io/" ID2 "/config.json",
	    "{\"ociVersion\":\"1.1.0\",\"annotations\":{"
	    "\"io.kubernetes.cri.container-type\":\"container\","
	    "\"io.kubernetes.cri.container-name\":\"api\","
	    "\"io.kubernetes.cri.image-name\":\"registry.local:5000/team/api:v2\","
	    "\"io.kubernetes.cri.sandbox-name\":\"api-7d9f-xk2\","
	    "\"io.kubernetes.cri.sandbox-namespace\":\"prod\"},"
	    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\","
	    "\"options\":[\"nosuid\"]},{\"destination\":\"/host/etc\",\"type\":\"bind\","
	    "\"source\":\"/etc\",\"options\":[\"rbind\",\"ro\",\"rslave\"]},"
	    "{\"destination\":\"/etc/hosts\",\"type\":\"bind\",\"source\":\"/var/lib/kubelet/pods/x/etc-hosts\","
	    "\"options\":[\"rbind\",\"rprivate\",\"rw\"]}]}");
	mkdirs("crio/" ID3 "/userdata");
	put("crio/" ID3 "/userdata/config.json",
	    "{\"annotations\":{\"io.kubernetes.container.name\":\"db\","
	    "\"io.kubernetes.cri-o.ImageName\":\"docker.io/library/postgres:16\","
	    "\"io.kubernetes.pod.name\":\"db-0\",\"io.kubernetes.pod.namespace\":\"data\"}}");
	mkdirs("podman/" ID4 "/userdata");
	put("podman/" ID4 "/userdata/config.json", "{\"annotations\":{\"io.container.manager\":\"libpod\"}}");
	fake_now = 1000;
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_docker)
{
	struct saker_containers *c = make();
	struct saker_container_meta m;

	ck_assert_int_eq(saker_containers_lookup(c, "0123456789ab", &m), 0);
	ck_assert_str_eq(m.name, "web");
	ck_assert_str_eq(m.image, "nginx:1.25");
	ck_assert_ptr_null(m.k8s_pod);
	ck_assert_ptr_null(m.k8s_ns);
	ck_assert(m.privileged_known && m.privileged);
	ck_assert_uint_eq(m.nmounts, 2);
	saker_containers_free(c);
}
END_TEST

START_TEST(test_containerd_cri)
{
	struct saker_containers *c = make();
	struct saker_container_meta m;

	ck_assert_int_eq(saker_containers_lookup(c, "fedcba987654", &m), 0);
	ck_assert_str_eq(m.name, "api");
	ck_assert_str_eq(m.image, "registry.local:5000/team/api:v2");
	ck_assert_str_eq(m.k8s_pod, "api-7d9f-xk2");
	ck_assert_str_eq(m.k8s_ns, "prod");
	/* the runtime's own /proc is not a user mount: binds only */
	ck_assert_uint_eq(m.nmounts, 2);
	ck_assert_str_eq(m.mounts[0].source, "/etc");
	ck_assert_str_eq(m.mounts[0].dest, "/host/etc");
	ck_assert(!m.mounts[0].rdwr);
	ck_assert_str_eq(m.mounts[0].propagation, "rslave");
	ck_assert(m.mounts[1].rdwr);
	ck_assert(!m.privileged_known);
	saker_containers_free(c);
}
END_TEST

/* container.mount*, as upstream's sensitive_mount macro reads them */
START_TEST(test_mount_fields)
{
	static const struct {
		const char *cond;
		int match;
	} cases[] = {
		{ "container.privileged = true", 1 },
		{ "container.mounts = \"/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/srv/web:/data:z:false:\"", 1 },
		{ "container.mount[0] = \"/var/run/docker.sock:/var/run/docker.sock::true:rprivate\"", 1 },
		{ "container.mount[/srv/*] startswith /srv/web:/data", 1 },
		{ "container.mount.dest[/var/run/docker.sock] = /var/run/docker.sock", 1 },
		{ "container.mount.source[/data] = /srv/web", 1 },
		{ "container.mount.rdwr[/srv/web] = false", 1 },
		{ "container.mount.mode[1] = z", 1 },
		{ "container.mount.propagation[0] = rprivate", 1 },
		{ "container.mount.dest[/proc*] = N/A", 1 },
		{ "container.mount.dest[5] = N/A", 1 },
		{ "not container.mount.dest[/var/run/docker.sock] in (\"<NA>\",\"N/A\")", 1 },
		{ "not container.mount.dest[/proc*] in (\"<NA>\",\"N/A\")", 0 },
	};
	struct saker_containers *c = make();
	struct saker_meta_provider mp;
	char yaml[1024], *ev;
	size_t i;

	saker_containers_provider(c, &mp);
	ev = tl_event(tl_base_exec, "{\"ns\":{\"pid\":5},\"cgroup\":\"/system.slice/docker-" ID1 ".scope\"}");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct saker_engine *e;

		snprintf(yaml, sizeof(yaml), "- rule: r\n  desc: d\n  condition: evt.type = execve and %s\n"
			 "  output: o\n  priority: INFO\n", cases[i].cond);
		e = tl_engine(yaml);
		ck_assert_int_eq(saker_engine_error_count(e), 0);
		saker_engine_set_meta(e, &mp);
		ck_assert_msg(tl_run(e, ev) == cases[i].match, "%s", cases[i].cond);
		saker_engine_free(e);
	}
	free(ev);
	saker_containers_free(c);
}
END_TEST

START_TEST(test_crio_and_podman)
{
	struct saker_containers *c = make();
	struct saker_container_meta m;

	ck_assert_int_eq(saker_containers_lookup(c, "aaaabbbbcccc", &m), 0);
	ck_assert_str_eq(m.name, "db");
	ck_assert_str_eq(m.image, "docker.io/library/postgres:16");
	ck_assert_str_eq(m.k8s_pod, "db-0");
	ck_assert_str_eq(m.k8s_ns, "data");
	/* podman's bundle carries no name or image: missing, never guessed */
	ck_assert_int_eq(saker_containers_lookup(c, "111122223333", &m), 0);
	ck_assert_ptr_null(m.name);
	ck_assert_ptr_null(m.image);
	saker_containers_free(c);
}
END_TEST

START_TEST(test_cache_and_negative_expiry)
{
	struct saker_containers *c = make();
	struct saker_containers_stats st;
	struct saker_container_meta m;

	ck_assert_int_eq(saker_containers_lookup(c, "0123456789ab", &m), 0);
	ck_assert_int_eq(saker_containers_lookup(c, "0123456789ab", &m), 0);
	ck_assert_str_eq(m.name, "web");
	/* unknown id: negative-cached */
	ck_assert_int_eq(saker_containers_lookup(c, "999999999999", &m), -ENOENT);
	mkdirs("docker/999999999999" "0000000000000000000000000000000000000000000000000000");
	put("docker/999999999999" "0000000000000000000000000000000000000000000000000000/config.v2.json",
	    "{\"Name\":\"/late\",\"Config\":{\"Image\":\"busybox\"}}");
	ck_assert_int_eq(saker_containers_lookup(c, "999999999999", &m), -ENOENT);
	fake_now += 6;	/* past negative_ttl_s: read again */
	ck_assert_int_eq(saker_containers_lookup(c, "999999999999", &m), 0);
	ck_assert_str_eq(m.name, "late");
	saker_containers_stats(c, &st);
	ck_assert_uint_eq(st.lookups, 5);
	ck_assert_uint_eq(st.cache_hits, 2);
	ck_assert_uint_eq(st.found, 2);
	ck_assert_uint_eq(st.not_found, 1);
	/* a broken state file counts and leaves the fields missing */
	put("docker/" ID1 "/config.v2.json", "{not json");
	fake_now += 200;
	ck_assert_int_eq(saker_containers_lookup(c, "0123456789ab", &m), -ENOENT);
	saker_containers_stats(c, &st);
	ck_assert_uint_eq(st.bad_files, 1);
	/* ids that could escape the roots are refused */
	ck_assert_int_eq(saker_containers_lookup(c, "../etc", &m), -ENOENT);
	saker_containers_free(c);
}
END_TEST

/* A full cache evicts the entry expiring first; the kept ones still hit.
 * No roots: every miss is quick. */
START_TEST(test_cache_bound)
{
	struct saker_containers_config cfg = { .ttl_s = 100, .negative_ttl_s = 5,
					       .now_s = fake_clock };
	struct saker_containers *c = saker_containers_new(&cfg);
	struct saker_containers_stats st;
	struct saker_container_meta m;
	char id[16];
	int i;

	ck_assert_ptr_nonnull(c);
	for (i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "%012x", 0xa00000 + i);
		ck_assert_int_eq(saker_containers_lookup(c, id, &m), -ENOENT);
	}
	saker_containers_stats(c, &st);
	ck_assert_uint_eq(st.cached, 4096);
	/* The last ids are kept (negative TTL not over): hits. */
	snprintf(id, sizeof(id), "%012x", 0xa00000 + 4999);
	ck_assert_int_eq(saker_containers_lookup(c, id, &m), -ENOENT);
	saker_containers_stats(c, &st);
	ck_assert_uint_eq(st.cache_hits, 1);
	saker_containers_free(c);
}
END_TEST

/* Through the engine: container.name and k8s fields of an exec. */
START_TEST(test_engine_fields)
{
	struct saker_containers *c = make();
	struct saker_meta_provider mp;
	struct saker_engine *e = tl_engine(
		"- rule: r\n  desc: d\n  condition: evt.type = execve and container.name = api"
		" and k8s.pod.name = api-7d9f-xk2 and k8s.ns.name = prod"
		" and container.image.repository = registry.local:5000/team/api"
		" and container.image.tag = v2\n  output: o\n  priority: INFO\n");
	char *ev;

	saker_containers_provider(c, &mp);
	saker_engine_set_meta(e, &mp);
	ev = tl_event(tl_base_exec, "{\"ns\":{\"pid\":5},\"cgroup\":\"/kubepods.slice/cri-containerd-" ID2 ".scope\"}");
	ck_assert_int_eq(tl_run(e, ev), 1);
	free(ev);
	saker_engine_free(e);
	saker_containers_free(c);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("containers");
	TCase *ids = tcase_create("ids"), *meta = tcase_create("meta");

	tcase_add_loop_test(ids, test_cgroup_layouts, 0, sizeof(layouts) / sizeof(layouts[0]));
	tcase_add_test(ids, test_not_containers);
	tcase_add_checked_fixture(meta, setup, teardown);
	tcase_add_test(meta, test_docker);
	tcase_add_test(meta, test_containerd_cri);
	tcase_add_test(meta, test_crio_and_podman);
	tcase_add_test(meta, test_cache_and_negative_expiry);
	tcase_add_test(meta, test_cache_bound);
	tcase_add_test(meta, test_engine_fields);
	tcase_add_test(meta, test_mount_fields);
	suite_add_tcase(s, ids);
	suite_add_tcase(s, meta);
	return s;
}
