/* canopy-server.c — share a CAN bus over TCP, as python-can's canserver
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>

#include "canopy-tool-common.h"

#define STATUS_INTERVAL_US (G_USEC_PER_SEC / 2)

/* With -v, says who came and went since the last look. */
static void
report_clients (CanopyRemoteServer *server,
                GHashTable         *known)
{
  g_autoptr(GPtrArray) clients = canopy_remote_server_list_clients (server);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer key, value;

  for (guint i = 0; i < clients->len; i++)
    {
      CanopyRemoteClientInfo *info = g_ptr_array_index (clients, i);

      if (info->channel_info == NULL)
        continue;
      g_hash_table_add (seen, info->address);
      if (!g_hash_table_contains (known, info->address))
        {
          g_print ("Client %s connected (bus: %s, requested bitrate %d)\n",
                   info->address, info->channel_info, info->requested_bitrate);
          g_hash_table_insert (known, g_strdup (info->address), NULL);
        }
    }

  g_hash_table_iter_init (&iter, known);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      {
        g_print ("Client %s disconnected\n", (const char *) key);
        g_hash_table_iter_remove (&iter);
      }
}

/* Always said, verbose or not: frames lost for a client that stopped
 * reading (the server waits for every client that reads, however slowly). */
static void
on_client_dropped (CanopyRemoteClient *client,
                   GParamSpec         *pspec,
                   gpointer            user_data)
{
  if (canopy_remote_client_get_dropped (client) == 0)
    return;
  g_print ("Client %s stopped reading: %" G_GUINT64_FORMAT " frames dropped for it so far\n",
           canopy_remote_client_get_address (client), canopy_remote_client_get_dropped (client));
  fflush (stdout);
}

static void
on_client_connected (CanopyRemoteServer *server,
                     CanopyRemoteClient *client,
                     gpointer            user_data)
{
  g_signal_connect (client, "notify::dropped", G_CALLBACK (on_client_dropped), NULL);
}

int
main (int   argc,
      char *argv[])
{
  g_auto(CanopyToolBusOptions) bus_options = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) driver_options = NULL;
  g_autoptr(GHashTable) known = NULL;
  g_autoptr(CanopyRemoteServer) server = NULL;
  g_autofree char *host = NULL;
  g_autofree char *protocol = NULL;
  gint64 bitrate = 0;
  int port = -1;
  int max_clients = CANOPY_REMOTE_SERVER_DEFAULT_MAX_CLIENTS;
  gint64 next_status = 0;
  GOptionEntry entries[] = {
    { "bitrate", 'b', 0, G_OPTION_ARG_INT64, &bitrate,
      "Force to use a specific bitrate. This will override any requested bitrate "
      "by the clients", "BITRATE" },
    { "host", 'H', 0, G_OPTION_ARG_STRING, &host,
      "Host to listen to (default 127.0.0.1: only programs on this computer can "
      "connect). Sharing the bus with the network must be asked for: "
      "-H 0.0.0.0 (or -H :: for IPv6) listens on every interface", "HOST" },
    { "port", 'p', 0, G_OPTION_ARG_INT, &port,
      "TCP port to listen on (default 54701, 29536 for socketcand; 0 lets "
      "the system choose one, which is printed)", "PORT" },
    { "protocol", 0, 0, G_OPTION_ARG_STRING, &protocol,
      "The protocol clients speak: python-can (python-can 2.0's remote "
      "protocol, the default) or socketcand (the socketcand daemon's, raw "
      "mode: python-can 4's socketcand interface, SavvyCAN, cangaroo)", "PROTOCOL" },
    { "max-clients", 0, 0, G_OPTION_ARG_INT, &max_clients,
      "How many clients to serve at once (default 32)", "N" },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = canopy_tool_option_context_new ("Remote CAN server: shares one CAN bus with clients over TCP, "
                                            "speaking python-can's remote protocol or socketcand's.\n"
                                            "Each client gets its own bus on the server. The server will only "
                                            "serve the given channel; start additional servers at different "
                                            "ports to share more channels.\n\n"
                                            "Unlike python-can's canserver, which listens on 0.0.0.0, this "
                                            "server listens on 127.0.0.1 unless told otherwise: anyone who can "
                                            "reach the port can send frames on the bus, so sharing it with the "
                                            "network must be asked for with -H 0.0.0.0.\n"
                                            "Stop with Ctrl+C.",
                                            &bus_options, entries);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return canopy_tool_fail ("canopy-server", error, 2);

  if (bitrate < 0 || bitrate > G_MAXINT32)
    {
      g_printerr ("canopy-server: bitrate %" G_GINT64_FORMAT " is out of range\n", bitrate);
      return 2;
    }
  if (protocol != NULL && g_strcmp0 (protocol, "python-can") != 0 && g_strcmp0 (protocol, "socketcand") != 0)
    {
      g_printerr ("canopy-server: unknown protocol “%s” (python-can or socketcand)\n", protocol);
      return 2;
    }
  if (port == -1)
    port = g_strcmp0 (protocol, "socketcand") == 0 ? CANOPY_SOCKETCAND_BUS_DEFAULT_PORT : CANOPY_REMOTE_BUS_DEFAULT_PORT;
  if (port < 0 || port > G_MAXUINT16)
    {
      g_printerr ("canopy-server: port %d is not a TCP port\n", port);
      return 2;
    }
  if (max_clients < 1)
    {
      g_printerr ("canopy-server: --max-clients must be at least 1\n");
      return 2;
    }
  driver_options = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (!canopy_tool_parse_driver_options (bus_options.options, driver_options, &error))
    return canopy_tool_fail ("canopy-server", error, 2);

  server = canopy_remote_server_new (bus_options.interface, bus_options.channel, driver_options);
  canopy_remote_server_set_bitrate (server, bitrate);
  canopy_remote_server_set_max_clients (server, max_clients);
  if (g_strcmp0 (protocol, "socketcand") == 0)
    canopy_remote_server_set_protocol (server, CANOPY_REMOTE_PROTOCOL_SOCKETCAND);

  g_signal_connect (server, "client-connected", G_CALLBACK (on_client_connected), NULL);

  if (!canopy_remote_server_start (server, host, port, &error))
    return canopy_tool_fail ("canopy-server", error, 1);

  /* The first line says where to connect, also when the port was chosen
   * by the system; scripts read it. */
  g_print ("Listening on %s port %u\n",
           canopy_remote_server_get_host (server), canopy_remote_server_get_port (server));
  fflush (stdout);

  canopy_tool_catch_interrupt ();
  known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while (!canopy_tool_interrupted ())
    {
      g_usleep (G_USEC_PER_SEC / 20);
      /* The server tells about its clients on this context. */
      while (g_main_context_iteration (NULL, FALSE))
        ;

      if (bus_options.verbosity > 0 && g_get_monotonic_time () >= next_status)
        {
          report_clients (server, known);
          fflush (stdout);
          next_status = g_get_monotonic_time () + STATUS_INTERVAL_US;
        }
    }

  if (bus_options.verbosity > 0)
    g_print ("Stopping, %u clients connected\n", canopy_remote_server_get_n_clients (server));
  canopy_remote_server_stop (server);

  return 0;
}
