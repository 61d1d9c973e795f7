/*
 * server_fixture.h — what the server tests share: a scratch folder with the
 * demo district built once per process by the real kaohe binary
 * (`kaohe init` and `kaohe demo`), fresh copies of that store for each
 * server, and in-process servers on an ephemeral loopback port
 * (kh_server_start with port 0, kh_server_port).
 *
 * The kaohe binary is found in $KH_KAOHE, else given to sf_init (argv[1] of
 * the tests; CMake passes $<TARGET_FILE:kaohe>).
 */
#ifndef KH_TEST_SERVER_FIXTURE_H
#define KH_TEST_SERVER_FIXTURE_H

#include "kaohe/server.h"

/* The demo accounts' password. */
#define SF_PASSWORD "kaohe-demo"

/*
 * Make the scratch folder and build the demo store template in it with
 * `kaohe` (path; $KH_KAOHE wins when set). Returns 0, or -1 with a message
 * on stderr. sf_done removes the folder.
 */
int sf_init(const char *kaohe);
void sf_done(void);

/* The scratch folder. */
const char *sf_dir(void);

/* The path of the kaohe binary used. */
const char *sf_kaohe(void);

/*
 * A fresh copy of the demo store, named after `name` inside the scratch
 * folder; its path is written to out[outsz]. Returns 0 or -1.
 */
int sf_fresh_store(const char *name, char *out, size_t outsz);

/*
 * Start a server on 127.0.0.1 port 0 over store db. `tweak` (may be NULL)
 * changes the options after kh_server_opts_init and before the start.
 * Returns the server (its port: kh_server_port) or NULL with a message on
 * stderr.
 */
struct kh_server *sf_start(const char *db, void (*tweak)(struct kh_server_opts *o));

#endif
