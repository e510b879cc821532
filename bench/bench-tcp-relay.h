/* bench-tcp-relay.h — the peer of bench-remote: a plain TCP relay
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Prints the round trip of a 23-byte event (the size of a remote CAN
 * message) over the same four hops as the bridge: client A → relay →
 * client B → relay → client A, all on 127.0.0.1 with TCP_NODELAY, one
 * thread per direction in the relay, nothing else. */
void bench_tcp_relay_latency (guint n_round_trips);

G_END_DECLS
