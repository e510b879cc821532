/* canopy-socketcand-server.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "canopy-error.h"

#include "canopy-socketcand-codec-private.h"
#include "canopy-socketcand-server-private.h"

/* A CanopyRemoteServer client that speaks socketcand: the server greets
 * with `< hi >`, the client opens a bus with `< open NAME >` (any name:
 * the server serves its one configured bus) and switches to raw mode with
 * `< rawmode >`; each step is answered `< ok >`. Then the client sends
 * `< send … >` and receives `< frame … >` (and `< error … >` for error
 * frames). Failures are reported as `< error text >`, as the daemon does.
 * The answers of the handshake are written alone, never with a frame in
 * the same segment, because python-can 4.1 reads each into one recv(). */

#define SEND_TIMEOUT      1.0

static gpointer
state_new (void)
{
  CanopySocketcandDecoder *decoder = g_new (CanopySocketcandDecoder, 1);

  _canopy_socketcand_decoder_init (decoder);
  return decoder;
}

static void
state_free (gpointer state)
{
  g_free (state);
}

/* Each frame is followed by a space. python-can 4.1's reader, after the
 * complete elements of a read, drops one character more than it parsed: a
 * separator loses nothing there, while without one the `<` of an element
 * cut by the read would go, and that frame with it. Parsers that look for
 * `<` … `>` (socketcand's own, cangaroo, SavvyCAN, Canopy) skip spaces. */
static gsize
encode_frame (guint8              *buf,
              const CanopyMessage *msg)
{
  gsize len = _canopy_socketcand_encode_frame ((char *) buf, msg);

  if (len > 0)
    buf[len++] = ' ';
  return len;
}

static gsize
encode_error (guint8     *buf,
              const char *text)
{
  return _canopy_socketcand_encode_word ((char *) buf, "error", text);
}

static gboolean
write_word (CanopyRemoteConnection  *c,
            const char              *word,
            const char              *argument,
            GError                 **error)
{
  char buf[CANOPY_SOCKETCAND_MAX_ELEMENT];
  gsize len = _canopy_socketcand_encode_word (buf, word, argument);
  g_autoptr(GError) local_error = NULL;

  if (!_canopy_remote_connection_write (c, buf, len, &local_error))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_CONNECTION_LOST,
                   "Handshake error: %s", local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
socketcand_handshake (CanopyRemoteConnection  *c,
                      guint8                  *buf,
                      gsize                   *leftover_pos,
                      gsize                   *leftover_len,
                      GError                 **error)
{
  CanopySocketcandDecoder *decoder = _canopy_remote_connection_get_wire_state (c);
  g_autofree CanopySocketcandElement *element = g_new (CanopySocketcandElement, 1);
  gboolean opened = FALSE;
  gboolean ok = FALSE;
  gint64 deadline;

  if (!write_word (c, "hi", NULL, error))
    return FALSE;

  /* One deadline for the whole handshake, as for python-can's protocol. */
  deadline = _canopy_remote_connection_handshake_deadline (c);

  while (!ok)
    {
      gssize n = _canopy_remote_connection_handshake_receive (c, buf, 64 * 1024, deadline, error);
      gsize pos = 0;

      if (n <= 0)
        break;
      _canopy_remote_connection_count_received (c, n, 0, 0);

      while (pos < (gsize) n && !ok)
        {
          gsize consumed;
          CanopySocketcandResult result;

          result = _canopy_socketcand_decoder_feed (decoder, buf + pos, n - pos, &consumed, element);
          pos += consumed;

          switch (result)
            {
            case CANOPY_SOCKETCAND_NEED_MORE:
            case CANOPY_SOCKETCAND_SKIPPED:
              break;

            case CANOPY_SOCKETCAND_OPEN:
              if (opened)
                {
                  if (!write_word (c, "error", "a bus is open already", error))
                    goto out;
                  break;
                }
              if (!_canopy_remote_connection_open_bus (c, 0, error))
                goto out;
              opened = TRUE;
              if (!write_word (c, "ok", NULL, error))
                goto out;
              break;

            case CANOPY_SOCKETCAND_RAWMODE:
              if (!opened)
                {
                  if (!write_word (c, "error", "open a bus first: < open NAME >", error))
                    goto out;
                  break;
                }
              if (!write_word (c, "ok", NULL, error))
                goto out;
              *leftover_pos = pos;
              *leftover_len = n - pos;
              ok = TRUE;
              break;

            case CANOPY_SOCKETCAND_ECHO:
              if (!write_word (c, "echo", NULL, error))
                goto out;
              break;

            default:
              /* bcmmode, controlmode, isotpmode: not served. */
              if (!write_word (c, "error", "only < open NAME > and < rawmode > are supported", error))
                goto out;
              break;
            }
        }
    }

out:
  return ok;
}

static gboolean
socketcand_process (CanopyRemoteConnection  *c,
                    const guint8            *data,
                    gsize                    len,
                    char                   **reason)
{
  CanopySocketcandDecoder *decoder = _canopy_remote_connection_get_wire_state (c);
  CanopyBus *bus = _canopy_remote_connection_get_bus (c);
  CanopySocketcandElement element;
  guint64 n_frames = 0, n_errors = 0;

  while (len > 0)
    {
      g_autoptr(GError) error = NULL;
      CanopySocketcandResult result;
      gsize consumed;

      result = _canopy_socketcand_decoder_feed (decoder, data, len, &consumed, &element);
      data += consumed;
      len -= consumed;

      switch (result)
        {
        case CANOPY_SOCKETCAND_NEED_MORE:
          break;

        case CANOPY_SOCKETCAND_SEND:
          n_frames++;
          if (!canopy_bus_send (bus, &element.msg, SEND_TIMEOUT, &error))
            {
              n_errors++;
              _canopy_remote_connection_send_exception (c, error->message);
            }
          break;

        case CANOPY_SOCKETCAND_SKIPPED:
          g_debug ("Client %s: skipped an element that is not valid socketcand",
                   _canopy_remote_connection_get_address (c));
          break;

        default:
          /* socketcand ignores what raw mode does not know; say so. */
          _canopy_remote_connection_send_exception (c, "unknown command in raw mode");
          break;
        }
    }

  _canopy_remote_connection_count_received (c, 0, n_frames - n_errors, n_errors);
  (void) reason;
  return TRUE;
}

const CanopyRemoteWire _canopy_socketcand_wire = {
  .max_frame_size = 64,
  .state_new = state_new,
  .state_free = state_free,
  .encode_frame = encode_frame,
  .encode_error = encode_error,
  .handshake = socketcand_handshake,
  .process = socketcand_process,
};
