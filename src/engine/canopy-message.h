/* canopy-message.h
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined (CANOPY_INSIDE) && !defined (CANOPY_COMPILATION)
# error "Only <canopy.h> can be included directly."
#endif

#include <glib-object.h>

#include "canopy-version-macros.h"

G_BEGIN_DECLS

#define CANOPY_TYPE_MESSAGE (canopy_message_get_type ())

/**
 * CANOPY_MESSAGE_MAX_DATA:
 *
 * The largest payload of a frame: 64 bytes (CAN FD).
 */
#define CANOPY_MESSAGE_MAX_DATA 64

/**
 * CANOPY_MESSAGE_STRING_SIZE:
 *
 * A buffer of this size always holds the output of
 * canopy_message_format().
 */
#define CANOPY_MESSAGE_STRING_SIZE 512

/**
 * CANOPY_CHANNEL_NONE:
 *
 * The channel of a message that does not know its channel.
 */
#define CANOPY_CHANNEL_NONE (-1)

/**
 * CanopyMessageFlags:
 * @CANOPY_MESSAGE_EXTENDED: 29-bit identifier (CAN 2.0B)
 * @CANOPY_MESSAGE_REMOTE: remote transmission request
 * @CANOPY_MESSAGE_ERROR: error frame
 * @CANOPY_MESSAGE_FD: CAN FD frame
 * @CANOPY_MESSAGE_BRS: CAN FD bit-rate switch
 * @CANOPY_MESSAGE_ESI: CAN FD error-state indicator
 * @CANOPY_MESSAGE_TX: the frame was sent by this node, not received
 *
 * Flags of a #CanopyMessage.
 */
typedef enum /*< flags >*/
{
  CANOPY_MESSAGE_EXTENDED = 1 << 0,
  CANOPY_MESSAGE_REMOTE   = 1 << 1,
  CANOPY_MESSAGE_ERROR    = 1 << 2,
  CANOPY_MESSAGE_FD       = 1 << 3,
  CANOPY_MESSAGE_BRS      = 1 << 4,
  CANOPY_MESSAGE_ESI      = 1 << 5,
  CANOPY_MESSAGE_TX       = 1 << 6,
} CanopyMessageFlags;

typedef struct _CanopyMessage CanopyMessage;

/**
 * CanopyMessage:
 * @timestamp_ns: time in nanoseconds; for received frames since the Unix epoch
 * @arbitration_id: the identifier, 11 or 29 bits
 * @flags: #CanopyMessageFlags
 * @dlc: the payload length in bytes (0–8, or a CAN FD length up to 64); for
 *   remote frames the requested length
 * @channel: the channel index, or %CANOPY_CHANNEL_NONE
 * @data: the payload
 *
 * One CAN or CAN FD frame. A plain value: copy it with assignment, keep it on
 * the stack, put it in arrays. The library never allocates a message on a
 * path that runs once per frame.
 */
struct _CanopyMessage
{
  gint64  timestamp_ns;
  guint32 arbitration_id;
  guint32 flags;
  guint8  dlc;
  guint8  reserved;
  gint16  channel;
  guint8  data[CANOPY_MESSAGE_MAX_DATA];
};

CANOPY_AVAILABLE_IN_ALL
GType           canopy_message_get_type            (void) G_GNUC_CONST;
CANOPY_AVAILABLE_IN_ALL
CanopyMessage  *canopy_message_new                 (guint32               arbitration_id,
                                                    gboolean              extended,
                                                    const guint8         *data,
                                                    gsize                 len);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_init                (CanopyMessage        *msg,
                                                    guint32               arbitration_id,
                                                    gboolean              extended,
                                                    const guint8         *data,
                                                    gsize                 len);
CANOPY_AVAILABLE_IN_ALL
CanopyMessage  *canopy_message_copy                (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_free                (CanopyMessage        *msg);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_validate            (const CanopyMessage  *msg,
                                                    GError              **error);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_equal               (const CanopyMessage  *a,
                                                    const CanopyMessage  *b);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_equal_within        (const CanopyMessage  *a,
                                                    const CanopyMessage  *b,
                                                    double                timestamp_delta,
                                                    gboolean              check_channel);
CANOPY_AVAILABLE_IN_ALL
gsize           canopy_message_format              (const CanopyMessage  *msg,
                                                    char                 *buf,
                                                    gsize                 buf_len);
CANOPY_AVAILABLE_IN_ALL
char           *canopy_message_to_string           (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
double          canopy_message_get_timestamp       (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_timestamp       (CanopyMessage        *msg,
                                                    double                timestamp);
CANOPY_AVAILABLE_IN_ALL
gint64          canopy_message_get_timestamp_ns    (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_timestamp_ns    (CanopyMessage        *msg,
                                                    gint64                timestamp_ns);
CANOPY_AVAILABLE_IN_ALL
guint32         canopy_message_get_arbitration_id  (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_arbitration_id  (CanopyMessage        *msg,
                                                    guint32               arbitration_id);
CANOPY_AVAILABLE_IN_ALL
CanopyMessageFlags canopy_message_get_flags        (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_flags           (CanopyMessage        *msg,
                                                    CanopyMessageFlags    flags);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_is_extended         (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_extended        (CanopyMessage        *msg,
                                                    gboolean              extended);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_is_remote           (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_remote          (CanopyMessage        *msg,
                                                    gboolean              remote);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_is_error            (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_error           (CanopyMessage        *msg,
                                                    gboolean              error_frame);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_is_fd               (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_fd              (CanopyMessage        *msg,
                                                    gboolean              fd);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_get_bitrate_switch  (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_bitrate_switch  (CanopyMessage        *msg,
                                                    gboolean              brs);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_get_error_state_indicator (const CanopyMessage *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_error_state_indicator (CanopyMessage       *msg,
                                                          gboolean             esi);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_message_is_rx               (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_rx              (CanopyMessage        *msg,
                                                    gboolean              rx);
CANOPY_AVAILABLE_IN_ALL
guint           canopy_message_get_dlc             (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_dlc             (CanopyMessage        *msg,
                                                    guint                 dlc);
CANOPY_AVAILABLE_IN_ALL
int             canopy_message_get_channel         (const CanopyMessage  *msg);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_channel         (CanopyMessage        *msg,
                                                    int                   channel);
CANOPY_AVAILABLE_IN_ALL
const guint8   *canopy_message_get_data            (const CanopyMessage  *msg,
                                                    gsize                *len);
CANOPY_AVAILABLE_IN_ALL
void            canopy_message_set_data            (CanopyMessage        *msg,
                                                    const guint8         *data,
                                                    gsize                 len);
CANOPY_AVAILABLE_IN_ALL
guint           canopy_dlc_to_length               (guint                 dlc_code);
CANOPY_AVAILABLE_IN_ALL
guint           canopy_length_to_dlc               (guint                 length);
CANOPY_AVAILABLE_IN_ALL
gboolean        canopy_length_is_valid             (gsize                 length);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CanopyMessage, canopy_message_free)

G_END_DECLS
