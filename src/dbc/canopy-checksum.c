/* canopy-checksum.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "canopy-checksum.h"

#include "canopy-checksum-private.h"

/* Bitwise CRCs: a frame is at most 65 bytes, so tables would not pay. */

static inline guint8
crc8_update (guint8        crc,
             guint8        poly,
             const guint8 *data,
             gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x80) ? (guint8) ((crc << 1) ^ poly) : (guint8) (crc << 1);
    }
  return crc;
}

static inline guint16
crc16_update (guint16       crc,
              const guint8 *data,
              gsize         len)
{
  for (gsize i = 0; i < len; i++)
    {
      crc ^= (guint16) (data[i] << 8);
      for (int bit = 0; bit < 8; bit++)
        crc = (crc & 0x8000) ? (guint16) ((crc << 1) ^ 0x1021) : (guint16) (crc << 1);
    }
  return crc;
}

guint
_canopy_checksum_begin (CanopyChecksumKind kind)
{
  switch (kind)
    {
    case CANOPY_CHECKSUM_CRC8_SAE_J1850:
    case CANOPY_CHECKSUM_CRC8_H2F:
      return 0xFF;
    case CANOPY_CHECKSUM_CRC16_CCITT:
      return 0xFFFF;
    case CANOPY_CHECKSUM_XOR:
    case CANOPY_CHECKSUM_SUM:
    default:
      return 0;
    }
}

guint
_canopy_checksum_update (CanopyChecksumKind  kind,
                         guint               state,
                         const guint8       *data,
                         gsize               len)
{
  switch (kind)
    {
    case CANOPY_CHECKSUM_XOR:
      for (gsize i = 0; i < len; i++)
        state ^= data[i];
      return state & 0xFF;
    case CANOPY_CHECKSUM_SUM:
      for (gsize i = 0; i < len; i++)
        state += data[i];
      return state & 0xFF;
    case CANOPY_CHECKSUM_CRC8_SAE_J1850:
      return crc8_update ((guint8) state, 0x1D, data, len);
    case CANOPY_CHECKSUM_CRC8_H2F:
      return crc8_update ((guint8) state, 0x2F, data, len);
    case CANOPY_CHECKSUM_CRC16_CCITT:
      return crc16_update ((guint16) state, data, len);
    default:
      return state;
    }
}

guint
_canopy_checksum_end (CanopyChecksumKind kind,
                      guint              state)
{
  switch (kind)
    {
    case CANOPY_CHECKSUM_CRC8_SAE_J1850:
    case CANOPY_CHECKSUM_CRC8_H2F:
      return (state ^ 0xFF) & 0xFF;
    case CANOPY_CHECKSUM_CRC16_CCITT:
      return state & 0xFFFF;
    case CANOPY_CHECKSUM_XOR:
    case CANOPY_CHECKSUM_SUM:
    default:
      return state & 0xFF;
    }
}

/**
 * canopy_checksum_compute:
 * @kind: which checksum
 * @data: (array length=len): the bytes
 * @len: how many
 *
 * Computes a checksum over @data, as a signal-level cyclic task does over
 * a frame's payload.
 *
 * Returns: the checksum, 8 or 16 bits
 */
guint
canopy_checksum_compute (CanopyChecksumKind  kind,
                         const guint8       *data,
                         gsize               len)
{
  g_return_val_if_fail (data != NULL || len == 0, 0);
  g_return_val_if_fail (kind <= CANOPY_CHECKSUM_CRC16_CCITT, 0);

  return _canopy_checksum_end (kind, _canopy_checksum_update (kind, _canopy_checksum_begin (kind), data, len));
}

/**
 * canopy_checksum_get_width:
 * @kind: which checksum
 *
 * Returns: the width of the checksum in bits: 8 or 16
 */
guint
canopy_checksum_get_width (CanopyChecksumKind kind)
{
  return kind == CANOPY_CHECKSUM_CRC16_CCITT ? 16 : 8;
}
