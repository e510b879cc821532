/* canopy-message.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "canopy-error.h"
#include "canopy-message.h"
#include "canopy-message-private.h"

G_DEFINE_BOXED_TYPE (CanopyMessage, canopy_message, canopy_message_copy, canopy_message_free)

#define CAN_SFF_MASK 0x7FFu
#define CAN_EFF_MASK 0x1FFFFFFFu

static const guint8 dlc_lengths[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 16, 20, 24, 32, 48, 64 };

/**
 * canopy_dlc_to_length:
 * @dlc_code: a 4-bit DLC code as it travels on the wire (0–15)
 *
 * Converts a DLC code to a payload length: codes 9–15 stand for the CAN FD
 * lengths 12, 16, 20, 24, 32, 48 and 64.
 *
 * Returns: the payload length in bytes
 */
guint
canopy_dlc_to_length (guint dlc_code)
{
  return dlc_lengths[MIN (dlc_code, 15)];
}

/**
 * canopy_length_to_dlc:
 * @length: a payload length in bytes
 *
 * Converts a payload length to the smallest DLC code that carries it.
 *
 * Returns: the DLC code (0–15)
 */
guint
canopy_length_to_dlc (guint length)
{
  for (guint i = 0; i < G_N_ELEMENTS (dlc_lengths); i++)
    if (dlc_lengths[i] >= length)
      return i;
  return 15;
}

/**
 * canopy_length_is_valid:
 * @length: a payload length in bytes
 *
 * Returns: %TRUE if @length is a length a CAN or CAN FD frame can have
 */
gboolean
canopy_length_is_valid (gsize length)
{
  return length <= 64 && dlc_lengths[canopy_length_to_dlc (length)] == length;
}

/**
 * canopy_message_init:
 * @msg: (out caller-allocates): the message to fill
 * @arbitration_id: the identifier
 * @extended: whether the identifier has 29 bits
 * @data: (array length=len) (nullable): the payload
 * @len: the payload length; more than 8 bytes makes a CAN FD frame
 *
 * Fills @msg with a received-direction data frame and a zero timestamp, the
 * way python-can's `Message()` does, without allocating.
 */
void
canopy_message_init (CanopyMessage *msg,
                     guint32        arbitration_id,
                     gboolean       extended,
                     const guint8  *data,
                     gsize          len)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (len <= CANOPY_MESSAGE_MAX_DATA);

  memset (msg, 0, sizeof *msg);
  msg->arbitration_id = arbitration_id;
  msg->channel = CANOPY_CHANNEL_NONE;
  if (extended)
    msg->flags |= CANOPY_MESSAGE_EXTENDED;
  canopy_message_set_data (msg, data, len);
}

/**
 * canopy_message_new: (constructor)
 * @arbitration_id: the identifier
 * @extended: whether the identifier has 29 bits (python-can's default is %TRUE)
 * @data: (array length=len) (nullable): the payload
 * @len: the payload length: 0–8, or a CAN FD length (12, 16, 20, 24, 32, 48, 64),
 *   which makes a CAN FD frame
 *
 * Creates a data frame on the heap. Hot paths use a stack #CanopyMessage and
 * canopy_message_init() instead.
 *
 * Returns: (transfer full) (nullable): a new message, or %NULL if @len is not
 *   a valid length
 */
CanopyMessage *
canopy_message_new (guint32       arbitration_id,
                    gboolean      extended,
                    const guint8 *data,
                    gsize         len)
{
  CanopyMessage *msg;

  g_return_val_if_fail (canopy_length_is_valid (len), NULL);

  msg = g_new (CanopyMessage, 1);
  canopy_message_init (msg, arbitration_id, extended, data, len);
  return msg;
}

/**
 * canopy_message_copy:
 * @msg: a message
 *
 * Returns: (transfer full): a heap copy of @msg
 */
CanopyMessage *
canopy_message_copy (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, NULL);

  return g_memdup2 (msg, sizeof *msg);
}

/**
 * canopy_message_free:
 * @msg: (nullable): a message from canopy_message_new() or canopy_message_copy()
 *
 * Frees a heap message.
 */
void
canopy_message_free (CanopyMessage *msg)
{
  g_free (msg);
}

/**
 * canopy_message_validate:
 * @msg: a message
 * @error: return location for a #GError
 *
 * Checks that @msg can travel on a bus: the identifier fits 11 or 29 bits,
 * and the length fits classic CAN (0–8) or is a CAN FD length.
 *
 * Returns: %TRUE if @msg is valid
 */
gboolean
canopy_message_validate (const CanopyMessage  *msg,
                         GError              **error)
{
  g_return_val_if_fail (msg != NULL, FALSE);

  if (msg->flags & CANOPY_MESSAGE_EXTENDED)
    {
      if (msg->arbitration_id > CAN_EFF_MASK)
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "Extended arbitration id 0x%X is larger than 0x1FFFFFFF",
                       msg->arbitration_id);
          return FALSE;
        }
    }
  else if (msg->arbitration_id > CAN_SFF_MASK)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "Standard arbitration id 0x%X is larger than 0x7FF",
                   msg->arbitration_id);
      return FALSE;
    }

  if (msg->flags & CANOPY_MESSAGE_FD)
    {
      if (!canopy_length_is_valid (msg->dlc))
        {
          g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                       "%u bytes is not a CAN FD length (0–8, 12, 16, 20, 24, 32, 48, 64)",
                       msg->dlc);
          return FALSE;
        }
      if (msg->flags & CANOPY_MESSAGE_REMOTE)
        {
          g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                               "CAN FD has no remote frames");
          return FALSE;
        }
    }
  else if (msg->dlc > 8)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "DLC %u is larger than 8 for a classic CAN frame", msg->dlc);
      return FALSE;
    }
  else if (msg->flags & (CANOPY_MESSAGE_BRS | CANOPY_MESSAGE_ESI))
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                           "Bit-rate switch and error-state indicator need a CAN FD frame");
      return FALSE;
    }

  return TRUE;
}

/**
 * canopy_message_equal_within:
 * @a: a message
 * @b: another message
 * @timestamp_delta: the largest timestamp difference in seconds that still
 *   counts as equal; negative to ignore timestamps
 * @check_channel: whether the channels must match
 *
 * Compares two messages field by field, like python-can's `Message.equals()`.
 *
 * Returns: %TRUE if they are equal
 */
gboolean
canopy_message_equal_within (const CanopyMessage *a,
                             const CanopyMessage *b,
                             double               timestamp_delta,
                             gboolean             check_channel)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  if (a->arbitration_id != b->arbitration_id ||
      a->dlc != b->dlc ||
      (a->flags & ~CANOPY_MESSAGE_TX) != (b->flags & ~CANOPY_MESSAGE_TX))
    return FALSE;

  if (memcmp (a->data, b->data, _canopy_message_payload_length (a)) != 0)
    return FALSE;

  if (check_channel && a->channel != b->channel)
    return FALSE;

  if (timestamp_delta >= 0 &&
      fabs ((double) (a->timestamp_ns - b->timestamp_ns) / G_USEC_PER_SEC / 1000.) > timestamp_delta)
    return FALSE;

  return TRUE;
}

/**
 * canopy_message_equal:
 * @a: a message
 * @b: another message
 *
 * Compares identifier, flags, DLC and data, but not the timestamp, the channel
 * or the direction: the comparison python-can's `==` makes, so a frame sent on
 * one bus equals the frame another bus received.
 *
 * Returns: %TRUE if they are equal
 */
gboolean
canopy_message_equal (const CanopyMessage *a,
                      const CanopyMessage *b)
{
  return canopy_message_equal_within (a, b, -1, FALSE);
}

static gboolean
payload_is_alnum (const guint8 *data,
                  gsize         len)
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (data[i]))
      return FALSE;
  return TRUE;
}

/**
 * canopy_message_format:
 * @msg: a message
 * @buf: (out caller-allocates) (array length=buf_len): where to write
 * @buf_len: the size of @buf; %CANOPY_MESSAGE_STRING_SIZE is always enough
 *
 * Writes the python-can 2.0 text of @msg (see canopy_message_to_string())
 * into @buf without allocating.
 *
 * Returns: the length of the text, without the terminating nul
 */
gsize
canopy_message_format (const CanopyMessage *msg,
                       char                *buf,
                       gsize                buf_len)
{
  static const char hex[] = "0123456789abcdef";
  char line[CANOPY_MESSAGE_STRING_SIZE];
  char id[16];
  gsize len = _canopy_message_payload_length (msg);
  gsize pos;
  gsize data_start;

  g_return_val_if_fail (msg != NULL, 0);
  g_return_val_if_fail (buf != NULL || buf_len == 0, 0);

  /* python-can 2.0: "    ".join([ts, id.rjust(12), flags, dlc, data.ljust(24)]).strip() */
  g_snprintf (id, sizeof id,
              (msg->flags & CANOPY_MESSAGE_EXTENDED) ? "ID: %08x" : "ID: %04x",
              msg->arbitration_id);
  pos = g_snprintf (line, sizeof line, "Timestamp: %15.6f    %12s    %d%d%d    DLC: %u",
                    msg->timestamp_ns / 1e9, id,
                    !!(msg->flags & CANOPY_MESSAGE_REMOTE),
                    !!(msg->flags & CANOPY_MESSAGE_EXTENDED),
                    !!(msg->flags & CANOPY_MESSAGE_ERROR),
                    msg->dlc);
  pos = MIN (pos, sizeof line - 1);

  if (len > 0 && pos + 4 + len * 3 + 24 < sizeof line)
    {
      memcpy (line + pos, "    ", 4);
      pos += 4;
      data_start = pos;
      for (gsize i = 0; i < len; i++)
        {
          if (i > 0)
            line[pos++] = ' ';
          line[pos++] = hex[msg->data[i] >> 4];
          line[pos++] = hex[msg->data[i] & 0xf];
        }
      if (payload_is_alnum (msg->data, len) && pos + 4 + len + 2 + 24 < sizeof line)
        {
          while (pos - data_start < 24)
            line[pos++] = ' ';
          memcpy (line + pos, "    '", 5);
          pos += 5;
          memcpy (line + pos, msg->data, len);
          pos += len;
          line[pos++] = '\'';
        }
    }
  line[pos] = '\0';

  if (buf_len > 0)
    g_strlcpy (buf, line, buf_len);
  return pos;
}

/**
 * canopy_message_to_string:
 * @msg: a message
 *
 * Formats @msg the way python-can 2.0's `str(msg)` does: timestamp, identifier
 * (4 or 8 hex digits), the remote/extended/error flag bits, DLC and data.
 *
 * |[
 * Timestamp:        0.000000    ID: 00000000    010    DLC: 5    01 02 03 04 05
 * ]|
 *
 * Returns: (transfer full): the text
 */
char *
canopy_message_to_string (const CanopyMessage *msg)
{
  char buf[CANOPY_MESSAGE_STRING_SIZE];

  g_return_val_if_fail (msg != NULL, NULL);

  canopy_message_format (msg, buf, sizeof buf);
  return g_strdup (buf);
}

/**
 * canopy_message_get_timestamp:
 * @msg: a message
 *
 * Returns: the timestamp in seconds (since the Unix epoch for received frames)
 */
double
canopy_message_get_timestamp (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);
  return msg->timestamp_ns / 1e9;
}

/**
 * canopy_message_set_timestamp:
 * @msg: a message
 * @timestamp: the timestamp in seconds
 *
 * Sets the timestamp, rounded to the nearest nanosecond.
 */
void
canopy_message_set_timestamp (CanopyMessage *msg,
                              double         timestamp)
{
  g_return_if_fail (msg != NULL);
  msg->timestamp_ns = (gint64) llround (timestamp * 1e9);
}

/**
 * canopy_message_get_timestamp_ns:
 * @msg: a message
 *
 * Returns: the timestamp in nanoseconds
 */
gint64
canopy_message_get_timestamp_ns (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);
  return msg->timestamp_ns;
}

/**
 * canopy_message_set_timestamp_ns:
 * @msg: a message
 * @timestamp_ns: the timestamp in nanoseconds
 *
 * Sets the timestamp.
 */
void
canopy_message_set_timestamp_ns (CanopyMessage *msg,
                                 gint64         timestamp_ns)
{
  g_return_if_fail (msg != NULL);
  msg->timestamp_ns = timestamp_ns;
}

/**
 * canopy_message_get_arbitration_id:
 * @msg: a message
 *
 * Returns: the identifier
 */
guint32
canopy_message_get_arbitration_id (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);
  return msg->arbitration_id;
}

/**
 * canopy_message_set_arbitration_id:
 * @msg: a message
 * @arbitration_id: the identifier
 *
 * Sets the identifier; canopy_message_validate() checks its range.
 */
void
canopy_message_set_arbitration_id (CanopyMessage *msg,
                                   guint32        arbitration_id)
{
  g_return_if_fail (msg != NULL);
  msg->arbitration_id = arbitration_id;
}

/**
 * canopy_message_get_flags:
 * @msg: a message
 *
 * Returns: the flags
 */
CanopyMessageFlags
canopy_message_get_flags (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);
  return msg->flags;
}

/**
 * canopy_message_set_flags:
 * @msg: a message
 * @flags: the flags
 *
 * Replaces all flags at once.
 */
void
canopy_message_set_flags (CanopyMessage      *msg,
                          CanopyMessageFlags  flags)
{
  g_return_if_fail (msg != NULL);
  msg->flags = flags;
}

static inline void
set_flag (CanopyMessage      *msg,
          CanopyMessageFlags  flag,
          gboolean            value)
{
  if (value)
    msg->flags |= flag;
  else
    msg->flags &= ~flag;
}

/**
 * canopy_message_is_extended:
 * @msg: a message
 *
 * Returns: %TRUE for a 29-bit identifier
 */
gboolean
canopy_message_is_extended (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  return !!(msg->flags & CANOPY_MESSAGE_EXTENDED);
}

/**
 * canopy_message_set_extended:
 * @msg: a message
 * @extended: %TRUE for a 29-bit identifier
 *
 * Sets the identifier width.
 */
void
canopy_message_set_extended (CanopyMessage *msg,
                             gboolean       extended)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_EXTENDED, extended);
}

/**
 * canopy_message_is_remote:
 * @msg: a message
 *
 * Returns: %TRUE for a remote transmission request
 */
gboolean
canopy_message_is_remote (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  return !!(msg->flags & CANOPY_MESSAGE_REMOTE);
}

/**
 * canopy_message_set_remote:
 * @msg: a message
 * @remote: %TRUE for a remote transmission request
 *
 * Marks @msg as a remote frame; its DLC then is the requested length.
 */
void
canopy_message_set_remote (CanopyMessage *msg,
                           gboolean       remote)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_REMOTE, remote);
}

/**
 * canopy_message_is_error:
 * @msg: a message
 *
 * Returns: %TRUE for an error frame
 */
gboolean
canopy_message_is_error (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  return !!(msg->flags & CANOPY_MESSAGE_ERROR);
}

/**
 * canopy_message_set_error:
 * @msg: a message
 * @error_frame: %TRUE for an error frame
 *
 * Marks @msg as an error frame.
 */
void
canopy_message_set_error (CanopyMessage *msg,
                          gboolean       error_frame)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_ERROR, error_frame);
}

/**
 * canopy_message_is_fd:
 * @msg: a message
 *
 * Returns: %TRUE for a CAN FD frame
 */
gboolean
canopy_message_is_fd (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  return !!(msg->flags & CANOPY_MESSAGE_FD);
}

/**
 * canopy_message_set_fd:
 * @msg: a message
 * @fd: %TRUE for a CAN FD frame
 *
 * Marks @msg as a CAN FD frame.
 */
void
canopy_message_set_fd (CanopyMessage *msg,
                       gboolean       fd)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_FD, fd);
}

/**
 * canopy_message_get_bitrate_switch:
 * @msg: a message
 *
 * Returns: %TRUE if the CAN FD data phase uses the faster bit rate
 */
gboolean
canopy_message_get_bitrate_switch (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  return !!(msg->flags & CANOPY_MESSAGE_BRS);
}

/**
 * canopy_message_set_bitrate_switch:
 * @msg: a message
 * @brs: the bit-rate switch flag
 *
 * Sets the CAN FD bit-rate switch flag.
 */
void
canopy_message_set_bitrate_switch (CanopyMessage *msg,
                                   gboolean       brs)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_BRS, brs);
}

/**
 * canopy_message_get_error_state_indicator:
 * @msg: a message
 *
 * Returns: %TRUE if the sender of this CAN FD frame was error-passive
 */
gboolean
canopy_message_get_error_state_indicator (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, FALSE);
  return !!(msg->flags & CANOPY_MESSAGE_ESI);
}

/**
 * canopy_message_set_error_state_indicator:
 * @msg: a message
 * @esi: the error-state indicator
 *
 * Sets the CAN FD error-state indicator.
 */
void
canopy_message_set_error_state_indicator (CanopyMessage *msg,
                                          gboolean       esi)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_ESI, esi);
}

/**
 * canopy_message_is_rx:
 * @msg: a message
 *
 * Returns: %TRUE if the frame was received, %FALSE if this node sent it
 */
gboolean
canopy_message_is_rx (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, TRUE);
  return !(msg->flags & CANOPY_MESSAGE_TX);
}

/**
 * canopy_message_set_rx:
 * @msg: a message
 * @rx: %TRUE for a received frame
 *
 * Sets the direction.
 */
void
canopy_message_set_rx (CanopyMessage *msg,
                       gboolean       rx)
{
  g_return_if_fail (msg != NULL);
  set_flag (msg, CANOPY_MESSAGE_TX, !rx);
}

/**
 * canopy_message_get_dlc:
 * @msg: a message
 *
 * Returns: the payload length in bytes, as python-can's `dlc`
 */
guint
canopy_message_get_dlc (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, 0);
  return msg->dlc;
}

/**
 * canopy_message_set_dlc:
 * @msg: a message
 * @dlc: the length in bytes (at most 64)
 *
 * Sets the length without touching the data; useful for remote frames,
 * whose DLC is the requested length.
 */
void
canopy_message_set_dlc (CanopyMessage *msg,
                        guint          dlc)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (dlc <= CANOPY_MESSAGE_MAX_DATA);
  msg->dlc = dlc;
}

/**
 * canopy_message_get_channel:
 * @msg: a message
 *
 * Returns: the channel index, or %CANOPY_CHANNEL_NONE
 */
int
canopy_message_get_channel (const CanopyMessage *msg)
{
  g_return_val_if_fail (msg != NULL, CANOPY_CHANNEL_NONE);
  return msg->channel;
}

/**
 * canopy_message_set_channel:
 * @msg: a message
 * @channel: the channel index, or %CANOPY_CHANNEL_NONE
 *
 * Sets the channel.
 */
void
canopy_message_set_channel (CanopyMessage *msg,
                            int            channel)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (channel >= CANOPY_CHANNEL_NONE && channel <= G_MAXINT16);
  msg->channel = channel;
}

/**
 * canopy_message_get_data:
 * @msg: a message
 * @len: (out): the payload length
 *
 * Returns: (array length=len) (transfer none): the payload
 */
const guint8 *
canopy_message_get_data (const CanopyMessage *msg,
                         gsize               *len)
{
  g_return_val_if_fail (msg != NULL, NULL);

  if (len != NULL)
    *len = _canopy_message_payload_length (msg);
  return msg->data;
}

/**
 * canopy_message_set_data:
 * @msg: a message
 * @data: (array length=len) (nullable): the payload
 * @len: the payload length (at most 64)
 *
 * Replaces the payload and the DLC. More than 8 bytes also sets the
 * %CANOPY_MESSAGE_FD flag.
 */
void
canopy_message_set_data (CanopyMessage *msg,
                         const guint8  *data,
                         gsize          len)
{
  g_return_if_fail (msg != NULL);
  g_return_if_fail (len <= CANOPY_MESSAGE_MAX_DATA);
  g_return_if_fail (data != NULL || len == 0);

  if (len > 0)
    memcpy (msg->data, data, len);
  memset (msg->data + len, 0, sizeof msg->data - len);
  msg->dlc = len;
  if (len > 8)
    msg->flags |= CANOPY_MESSAGE_FD;
}
