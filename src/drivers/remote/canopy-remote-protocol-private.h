/* canopy-remote-protocol-private.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "canopy-filter.h"
#include "canopy-message.h"

G_BEGIN_DECLS

/* python-can 2.0's remote protocol: a TCP stream of events, each one byte of
 * event id followed by big-endian fields. */

#define CANOPY_REMOTE_PROTOCOL_VERSION 1
#define CANOPY_REMOTE_DEFAULT_PORT     54701

/* Every field that has a length carries it in one byte, so no event is
 * larger than a FilterConfig with 255 filters: the decoder never needs more
 * than this much memory per connection. */
#define CANOPY_REMOTE_MAX_TEXT         255
#define CANOPY_REMOTE_MAX_FILTERS      255
#define CANOPY_REMOTE_MAX_EVENT_SIZE   (2 + 8 * CANOPY_REMOTE_MAX_FILTERS)
#define CANOPY_REMOTE_MESSAGE_SIZE     23

/* Bit 31 of a filter's id and mask: the convention later python-can releases
 * use to carry "match only this id type" in a FilterConfig. 2.0 peers never
 * set it, and we only set it for filters that ask for an id type. */
#define CANOPY_REMOTE_FILTER_EXTENDED_BIT 0x80000000u

typedef enum
{
  CANOPY_REMOTE_EVENT_BUS_REQUEST       = 1,
  CANOPY_REMOTE_EVENT_BUS_RESPONSE      = 2,
  CANOPY_REMOTE_EVENT_CAN_MESSAGE       = 3,
  CANOPY_REMOTE_EVENT_TRANSMIT_SUCCESS  = 4,
  CANOPY_REMOTE_EVENT_REMOTE_EXCEPTION  = 6,
  CANOPY_REMOTE_EVENT_FILTER_CONFIG     = 10,
  CANOPY_REMOTE_EVENT_CONNECTION_CLOSED = 255,
} CanopyRemoteEventType;

typedef struct
{
  CanopyRemoteEventType type;
  union {
    struct {
      guint8 version;
      gint32 bitrate;
    } bus_request;
    /* BusResponse and RemoteException: valid UTF-8, NUL-terminated */
    char text[CANOPY_REMOTE_MAX_TEXT + 1];
    CanopyMessage message;
    struct {
      guint        n_filters;
      CanopyFilter filters[CANOPY_REMOTE_MAX_FILTERS];
    } filter_config;
  };
} CanopyRemoteEvent;

/* An incremental decoder: events may arrive split across reads at any
 * byte. It keeps at most one partial event. */
typedef struct
{
  guint64 offset;   /* stream offset of the next byte fed */
  gsize   len;      /* bytes of the partial event in buf */
  guint8  buf[CANOPY_REMOTE_MAX_EVENT_SIZE];
} CanopyRemoteDecoder;

typedef enum
{
  CANOPY_REMOTE_DECODE_NEED_MORE,
  CANOPY_REMOTE_DECODE_EVENT,
  CANOPY_REMOTE_DECODE_ERROR,
} CanopyRemoteDecodeResult;

const char              *_canopy_remote_event_type_name    (guint                type);

gsize                    _canopy_remote_encode_bus_request (guint8              *buf,
                                                            guint8               version,
                                                            gint32               bitrate);
gsize                    _canopy_remote_encode_text        (guint8              *buf,
                                                            CanopyRemoteEventType type,
                                                            const char          *text);
gboolean                 _canopy_remote_message_check      (const CanopyMessage *msg,
                                                            GError             **error);
gsize                    _canopy_remote_encode_message     (guint8              *buf,
                                                            const CanopyMessage *msg);
gboolean                 _canopy_remote_filters_expressible (const CanopyFilter *filters,
                                                            guint                n_filters);
gsize                    _canopy_remote_encode_filters     (guint8              *buf,
                                                            const CanopyFilter  *filters,
                                                            guint                n_filters);
gsize                    _canopy_remote_encode_simple      (guint8              *buf,
                                                            CanopyRemoteEventType type);
gsize                    _canopy_remote_encode_event       (guint8              *buf,
                                                            const CanopyRemoteEvent *event);

void                     _canopy_remote_decoder_init       (CanopyRemoteDecoder *decoder);
CanopyRemoteDecodeResult _canopy_remote_decoder_feed       (CanopyRemoteDecoder *decoder,
                                                            const guint8        *data,
                                                            gsize                len,
                                                            gsize               *consumed,
                                                            CanopyRemoteEvent   *event,
                                                            GError             **error);
gboolean                 _canopy_remote_decoder_is_idle    (CanopyRemoteDecoder *decoder);

gboolean                 _canopy_remote_write_all          (GSocket             *socket,
                                                            const guint8        *data,
                                                            gsize                len,
                                                            GCancellable        *cancellable,
                                                            GError             **error);

G_END_DECLS
