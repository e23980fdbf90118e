// SPDX-License-Identifier: GPL-2.0
/* cgroup path -> container id, runtime type; image reference splitting;
 * the process table's fork/exec/exit bookkeeping. */
#include <errno.h>

#include "rules_testlib.h"
#include "check_main.h"

#define HEX64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static const char *parse(const char *path, enum saker_container_type *t)
{
	static char id[SAKER_CONTAINER_ID_LEN + 1];

	if (saker_container_id_parse(path, strlen(path), id, t))
		return NULL;
	return id;
}

START_TEST(test_runtimes)
{
	enum saker_container_type t;

	ck_assert_str_eq(parse("/system.slice/docker-" HEX64 ".scope", &t), "0123456789ab");
	ck_assert_int_eq(t, SAKER_CT_DOCKER);
	ck_assert_str_eq(parse("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/cri-containerd-" HEX64 ".scope", &t), "0123456789ab");
	ck_assert_int_eq(t, SAKER_CT_CONTAINERD);
	ck_assert_str_eq(parse("/kubepods.slice/crio-" HEX64 ".scope", &t), "0123456789ab");
	ck_assert_int_eq(t, SAKER_CT_CRIO);
	ck_assert_str_eq(parse("/machine.slice/libpod-" HEX64 ".scope/container", &t), "0123456789ab");
	ck_assert_int_eq(t, SAKER_CT_PODMAN);
	ck_assert_str_eq(parse("/docker/" HEX64, &t), "0123456789ab");
	ck_assert_int_eq(t, SAKER_CT_DOCKER);
	ck_assert_str_eq(parse("/kubepods/besteffort/pod0a1b2c3d-1111-2222-3333-444455556666/" HEX64, &t), "0123456789ab");
	ck_assert_int_eq(t, SAKER_CT_KUBEPODS);
	ck_assert_str_eq(saker_container_type_name(SAKER_CT_CRIO), "cri-o");
}
END_TEST

START_TEST(test_not_containers)
{
	enum saker_container_type t;

	ck_assert_ptr_null(parse("/", &t));
	ck_assert_ptr_null(parse("", &t));
	ck_assert_ptr_null(parse("/user.slice/user-1000.slice/session-3.scope", &t));
	ck_assert_ptr_null(parse("/system.slice/docker.service", &t));
	ck_assert_ptr_null(parse("/system.slice/docker-xyz.scope", &t));
	ck_assert_ptr_null(parse("/kubepods.slice/crio-conmon-" HEX64 ".scope", &t));
	ck_assert_ptr_null(parse("/" HEX64, &t));	/* bare hex: no runtime parent */
	ck_assert_ptr_null(parse("/docker/0123", &t));
}
END_TEST

/* No cgroup path at all (a seeded process without a "0::" line). */
START_TEST(test_no_path)
{
	char id[SAKER_CONTAINER_ID_LEN + 1] = "unchanged";
	enum saker_container_type t = SAKER_CT_DOCKER;

	ck_assert_int_eq(saker_container_id_parse(NULL, 0, id, &t), -ENOENT);
	ck_assert_int_eq(saker_container_id_parse("", 0, id, &t), -ENOENT);
	ck_assert_str_eq(id, "unchanged");
	ck_assert_int_eq(t, SAKER_CT_DOCKER);
}
END_TEST

START_TEST(test_nested_takes_innermost)
{
	enum saker_container_type t;

	ck_assert_str_eq(parse("/docker/" HEX64 "/docker/fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210", &t), "fedcba987654");
}
END_TEST

START_TEST(test_image_split)
{
	const char *tag;
	size_t rl, tl;

	saker_image_split("docker.io/library/nginx:1.25", &rl, &tag, &tl);
	ck_assert_uint_eq(rl, strlen("docker.io/library/nginx"));
	ck_assert_int_eq(strncmp(tag, "1.25", tl), 0);
	saker_image_split("registry:5000/app", &rl, &tag, &tl);
	ck_assert_uint_eq(rl, strlen("registry:5000/app"));
	ck_assert_uint_eq(tl, 0);
	saker_image_split("registry:5000/app:v2@sha256:abcd", &rl, &tag, &tl);
	ck_assert_uint_eq(rl, strlen("registry:5000/app"));
	ck_assert_int_eq(strncmp(tag, "v2", tl), 0);
	ck_assert_uint_eq(tl, 2);
}
END_TEST

/* Process table through the engine: parent name, ancestors, exit. */
START_TEST(test_proctable_lineage)
{
	struct saker_proctable *pt = saker_proctable_new(0);
	struct saker_engine *e = tl_engine(
		"- rule: r\n  desc: d\n  condition: evt.type = execve and proc.pname = sshd"
		" and proc.aname[2] = systemd and proc.aname = systemd and proc.apid[1] = 50"
		" and proc.pcmdline = \"sshd -D\" and proc.duration >= 0\n"
		"  output: o\n  priority: INFO\n");
	char *ev;

	tl_use_proctable(e, pt);
	ev = tl_event(tl_base_exec, "{\"pid\":1,\"ppid\":0,\"comm\":\"systemd\",\"args\":[\"/sbin/init\"]}");
	tl_run(e, ev);
	free(ev);
	ev = tl_event(tl_base_exec, "{\"pid\":50,\"ppid\":1,\"comm\":\"sshd\",\"args\":[\"sshd\",\"-D\"]}");
	tl_run(e, ev);
	free(ev);
	ev = tl_event(tl_base_open, "{\"type\":\"fork\",\"pid\":100,\"ppid\":50,\"comm\":\"sshd\","
		      "\"parent_tid\":50,\"thread\":false,\"ts\":500}");
	tl_run(e, ev);
	free(ev);
	ck_assert_uint_eq(saker_proctable_count(pt), 3);
	ev = tl_event(tl_base_exec, NULL);
	ck_assert_int_eq(tl_run(e, ev), 1);
	free(ev);
	/* parent exits: pname is gone */
	ev = tl_event(tl_base_open, "{\"type\":\"exit\",\"pid\":50,\"ppid\":1,\"exit_code\":0,"
		      "\"group_dead\":true}");
	tl_run(e, ev);
	free(ev);
	ck_assert_uint_eq(saker_proctable_count(pt), 2);
	ck_assert_ptr_null(saker_proctable_get(pt, 50));
	ev = tl_event(tl_base_exec, NULL);
	ck_assert_int_eq(tl_run(e, ev), 0);
	free(ev);
	saker_engine_free(e);
	saker_proctable_free(pt);
}
END_TEST

/* An open by a process known from its exec gets its container from it. */
START_TEST(test_proctable_container_at_open)
{
	struct saker_proctable *pt = saker_proctable_new(0);
	struct saker_engine *e = tl_engine(
		"- rule: r\n  desc: d\n  condition: evt.type = openat and container.id = 0123456789ab"
		" and proc.cmdline = \"cat -n\"\n  output: o\n  priority: INFO\n");
	char *ev;

	tl_use_proctable(e, pt);
	ev = tl_event(tl_base_exec, "{\"pid\":100,\"comm\":\"cat\",\"args\":[\"cat\",\"-n\"],"
		      "\"cgroup_id\":777,\"ns\":{\"pid\":5},"
		      "\"cgroup\":\"/system.slice/docker-" HEX64 ".scope\"}");
	tl_run(e, ev);
	free(ev);
	ev = tl_event(tl_base_open, "{\"ns\":{\"pid\":5}}");
	ck_assert_int_eq(tl_run(e, ev), 1);
	free(ev);
	/* a process never seen, in the same cgroup: the cgroup id tells */
	ev = tl_event(tl_base_open, "{\"pid\":999,\"cgroup_id\":777,\"ns\":{\"pid\":5}}");
	tl_run(e, ev);
	free(ev);
	saker_engine_free(e);
	e = tl_engine("- rule: r\n  desc: d\n  condition: evt.type = openat and container.id = 0123456789ab\n"
		      "  output: o\n  priority: INFO\n");
	tl_use_proctable(e, pt);
	ev = tl_event(tl_base_open, "{\"pid\":999,\"cgroup_id\":777,\"ns\":{\"pid\":5}}");
	ck_assert_int_eq(tl_run(e, ev), 1);
	free(ev);
	saker_engine_free(e);
	saker_proctable_free(pt);
}
END_TEST

Suite *saker_test_suite(void)
{
	Suite *s = suite_create("container_id");
	TCase *tc = tcase_create("container_id");

	tcase_add_test(tc, test_runtimes);
	tcase_add_test(tc, test_not_containers);
	tcase_add_test(tc, test_no_path);
	tcase_add_test(tc, test_nested_takes_innermost);
	tcase_add_test(tc, test_image_split);
	tcase_add_test(tc, test_proctable_lineage);
	tcase_add_test(tc, test_proctable_container_at_open);
	suite_add_tcase(s, tc);
	return s;
}
