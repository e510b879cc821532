/* fuzz-remote.c — libFuzzer target: the remote protocol's incremental
 * decoder on an arbitrary byte stream, fed in pieces whose sizes the
 * input's first byte chooses; every decoded event is encoded again and
 * must decode to an event of the same type and size.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "fuzz-common.h"

/* after <canopy.h>, which private headers need */
#include "canopy-remote-protocol-private.h"

static void
check_round_trip (const CanopyRemoteEvent *event)
{
  static guint8 buf[CANOPY_REMOTE_MAX_EVENT_SIZE + 16];
  static CanopyRemoteEvent again;
  CanopyRemoteDecoder decoder;
  gsize len = _canopy_remote_encode_event (buf, event);
  gsize consumed = 0;
  CanopyRemoteDecodeResult res;

  g_assert (len > 0 && len <= CANOPY_REMOTE_MAX_EVENT_SIZE);

  _canopy_remote_decoder_init (&decoder);
  res = _canopy_remote_decoder_feed (&decoder, buf, len, &consumed, &again, NULL);
  g_assert (res == CANOPY_REMOTE_DECODE_EVENT);
  g_assert (consumed == len);
  g_assert (again.type == event->type);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  static CanopyRemoteEvent event;
  CanopyRemoteDecoder decoder;
  gsize piece;
  gsize pos = 1;

  if (size == 0)
    return 0;

  piece = 1 + data[0] % 64;
  _canopy_remote_decoder_init (&decoder);

  while (pos < size)
    {
      gsize len = MIN (piece, size - pos);
      gsize consumed = 0;
      g_autoptr(GError) error = NULL;
      CanopyRemoteDecodeResult res;

      res = _canopy_remote_decoder_feed (&decoder, data + pos, len, &consumed, &event, &error);
      g_assert (consumed <= len);

      if (res == CANOPY_REMOTE_DECODE_ERROR)
        {
          g_assert (error != NULL);
          break;
        }
      g_assert (error == NULL);
      if (res == CANOPY_REMOTE_DECODE_EVENT)
        check_round_trip (&event);
      else
        g_assert (consumed == len);
      pos += consumed;
    }

  return 0;
}
