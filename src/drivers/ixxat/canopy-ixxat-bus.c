/* canopy-ixxat-bus.c
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib.h>

#include "canopy-error.h"
#include "canopy-ixxat-bus.h"

#include "canopy-bus-private.h"
#include "canopy-error-frame-private.h"
#include "canopy-interface-info-private.h"
#include "canopy-ixxat-api-private.h"
#include "canopy-ixxat-bus-private.h"
#include "canopy-options-private.h"
#include "canopy-vendor-channel-private.h"
#include "canopy-vendor-library-private.h"
#include "canopy-vendor-wait-private.h"

/**
 * CanopyIxxatBus:
 *
 * python-can's `ixxat` interface: HMS IXXAT adapters through the VCI V3 C
 * library (`vcinpl.dll`), loaded when a bus opens. The option `library` or
 * the variable `CANOPY_IXXAT_LIBRARY` names another file.
 *
 * The channel is the CAN line of the adapter (`0`). Options: `bitrate`
 * (10000 … 1000000, default 500000), `unique_hardware_id` (python-can's
 * `UniqueHardwareId`; the first adapter found otherwise).
 *
 * CAN FD: the option `fd` (python-can's name) opens the line through VCI
 * V4's library (`vcinpl2.dll`; the option `library` or the variable
 * `CANOPY_IXXAT_FD_LIBRARY` names another file), which exports the same
 * entry points with CAN FD arguments: canControlInitialize() takes the
 * nominal and the data bit timing (`bitrate`, and `data_bitrate`, default
 * 2000000), messages are CANMSG2 with up to 64 bytes and the EDL, FDR (bit
 * rate switch) and ESI flags. Without VCI V4 the bus does not open.
 *
 * Receiving waits in canChannelReadMessage(), in slices of a tenth of a
 * second so that shutdown() is never kept waiting. Timestamps (the
 * controller's ticks at dwClockFreq / dwTscDivisor) are turned into Unix
 * time with an offset taken at the first frame. Error and status messages
 * become error frames; the controller accepts every identifier and filters
 * apply here.
 */

#define DEFAULT_BITRATE 500000
#define FIFO_SIZE       1024

struct _CanopyIxxatBus
{
  CanopyBus            parent_instance;

  guint                line;
  char                *unique_id;
  char                *library_path;
  guint                bitrate;
  guint                data_bitrate;
  gboolean             fd;

  GModule             *module;
  CanopyIxxatApi       api;
  CanopyVciHandle      device;
  CanopyVciHandle      control;
  CanopyVciHandle      channel;
  char                 description[128];
  CanopyVendorReader    reader;
  CanopyVendorClock    clock;
};

struct _CanopyIxxatBusClass
{
  CanopyBusClass parent_class;
};

enum {
  PROP_0,
  PROP_CHANNEL,
  N_PROPS
};

G_DEFINE_FINAL_TYPE (CanopyIxxatBus, canopy_ixxat_bus, CANOPY_TYPE_BUS)

static GParamSpec *properties[N_PROPS];

static const char * const library_names[] = {
#if defined(G_OS_WIN32)
  "vcinpl.dll",
#else
  "libvcinpl.so",
#endif
  NULL
};

/* VCI V4, for CAN FD. */
static const char * const fd_library_names[] = {
#if defined(G_OS_WIN32)
  "vcinpl2.dll",
#else
  "libvcinpl2.so",
#endif
  NULL
};

#define DEFAULT_DATA_BITRATE 2000000

/* BTR0/BTR1 of the SJA1000-compatible controller, as VCI documents them. */
static const struct {
  guint  bitrate;
  guint8 btr0, btr1;
} bitrates[] = {
  { 10000, 0x31, 0x1C }, { 20000, 0x18, 0x1C }, { 50000, 0x09, 0x1C }, { 100000, 0x04, 0x1C },
  { 125000, 0x03, 0x1C }, { 250000, 0x01, 0x1C }, { 500000, 0x00, 0x1C }, { 800000, 0x00, 0x16 },
  { 1000000, 0x00, 0x14 },
};

static void
set_vci_error (CanopyIxxatBus   *self,
               GError          **error,
               int               code,
               const char       *what,
               CanopyVciResult   result)
{
  g_set_error (error, CANOPY_ERROR, code, "IXXAT CAN line %u: %s (VCI error 0x%08x)", self->line, what,
               (guint32) result);
}

static void
status_error_frame (guint32        status,
                    gint64         timestamp_ns,
                    CanopyMessage *msg)
{
  guint32 classes = 0;
  guint8 controller = 0;

  if (status & CANOPY_CAN_STATUS_BUSOFF)
    classes |= CANOPY_ERROR_CLASS_BUS_OFF;
  if (status & CANOPY_CAN_STATUS_ERRLIM)
    controller |= CANOPY_ERROR_CTRL_RX_WARNING | CANOPY_ERROR_CTRL_TX_WARNING;
  if (status & CANOPY_CAN_STATUS_OVRRUN)
    controller |= CANOPY_ERROR_CTRL_RX_OVERFLOW;
  if (controller != 0)
    classes |= CANOPY_ERROR_CLASS_CONTROLLER;
  _canopy_error_frame_init (msg, classes, controller, timestamp_ns);
}

/* The fields CANMSG and CANMSG2 share, so that one conversion serves both. */
typedef struct
{
  guint32       time;
  guint32       id;
  guint8        type;
  guint8        add_flags;
  guint8        flags;
  const guint8 *data;
} VciFrame;

/* Converts a received VCI message; FALSE for messages that carry no frame
 * (information, timer overruns). */
static gboolean
convert (CanopyIxxatBus *self,
         const VciFrame *m,
         CanopyMessage  *msg)
{
  gint64 timestamp_ns = _canopy_vendor_clock_unix_ns (&self->clock, m->time);
  guint code = m->flags & CANOPY_CAN_MSGFLAGS_DLC;

  memset (msg, 0, sizeof *msg);
  msg->channel = CANOPY_CHANNEL_NONE;
  msg->timestamp_ns = timestamp_ns;

  switch (m->type)
    {
    case CANOPY_CAN_MSGTYPE_DATA:
      msg->arbitration_id = m->id & ((m->flags & CANOPY_CAN_MSGFLAGS_EXT) ? 0x1FFFFFFFu : 0x7FFu);
      msg->flags = ((m->flags & CANOPY_CAN_MSGFLAGS_EXT) ? CANOPY_MESSAGE_EXTENDED : 0) |
                   ((m->flags & CANOPY_CAN_MSGFLAGS_RTR) ? CANOPY_MESSAGE_REMOTE : 0);
      if (self->fd && (m->add_flags & CANOPY_CAN_MSGFLAGS2_EDL))
        {
          msg->flags |= CANOPY_MESSAGE_FD |
                        ((m->add_flags & CANOPY_CAN_MSGFLAGS2_FDR) ? CANOPY_MESSAGE_BRS : 0) |
                        ((m->add_flags & CANOPY_CAN_MSGFLAGS2_ESI) ? CANOPY_MESSAGE_ESI : 0);
          msg->dlc = canopy_dlc_to_length (code);
        }
      else
        msg->dlc = MIN (code, 8);
      if (!(m->flags & CANOPY_CAN_MSGFLAGS_RTR))
        memcpy (msg->data, m->data, msg->dlc);
      return TRUE;

    case CANOPY_CAN_MSGTYPE_ERROR:
      /* data[0] is the kind (stuff, form, ack, bit, CRC), data[1] the
       * status. */
      _canopy_error_frame_init (msg, CANOPY_ERROR_CLASS_PROTOCOL | CANOPY_ERROR_CLASS_BUS_ERROR, 0, timestamp_ns);
      msg->data[2] = m->data[0];
      return TRUE;

    case CANOPY_CAN_MSGTYPE_STATUS:
      status_error_frame (m->data[0], timestamp_ns, msg);
      return TRUE;

    default:
      return FALSE;
    }
}

static CanopyVendorRead
ixxat_read (gpointer        driver,
            guint           wait_ms,
            CanopyMessage  *msg,
            GError        **error)
{
  CanopyIxxatBus *self = driver;
  CanopyVciResult result;
  VciFrame frame;

  if (self->fd)
    {
      CanopyVciCanMsg2 m = { 0 };

      result = self->api.channel_read_message2 (self->channel, wait_ms, &m);
      frame = (VciFrame) { m.time, m.id, m.type, m.add_flags, m.flags, m.data };
      if (result == CANOPY_VCI_OK)
        return convert (self, &frame, msg) ? CANOPY_VENDOR_READ_FRAME : CANOPY_VENDOR_READ_NONE;
    }
  else
    {
      CanopyVciCanMsg m = { 0 };

      result = self->api.channel_read_message (self->channel, wait_ms, &m);
      frame = (VciFrame) { m.time, m.id, m.type, m.add_flags, m.flags, m.data };
      if (result == CANOPY_VCI_OK)
        return convert (self, &frame, msg) ? CANOPY_VENDOR_READ_FRAME : CANOPY_VENDOR_READ_NONE;
    }
  if (result == CANOPY_VCI_E_TIMEOUT || result == CANOPY_VCI_E_RXQUEUE_EMPTY)
    return CANOPY_VENDOR_READ_NONE;
  set_vci_error (self, error, CANOPY_ERROR_CONNECTION_LOST, "reading failed", result);
  return CANOPY_VENDOR_READ_FAILED;
}

static gboolean
canopy_ixxat_bus_recv (CanopyBus      *bus,
                       CanopyMessage  *msg,
                       double          timeout,
                       GError        **error)
{
  return _canopy_vendor_reader_recv (&CANOPY_IXXAT_BUS (bus)->reader, bus, ixxat_read, msg, timeout, error);
}

static gboolean
canopy_ixxat_bus_send (CanopyBus            *bus,
                       const CanopyMessage  *msg,
                       double                timeout,
                       GError              **error)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (bus);
  gboolean fd_frame = (msg->flags & CANOPY_MESSAGE_FD) != 0;
  guint32 wait_ms = timeout < 0 ? G_MAXUINT32 : (guint32) (timeout * 1000);
  guint8 flags;
  CanopyVciResult result;

  if (!_canopy_bus_check_open (bus, error))
    return FALSE;
  if ((msg->flags & CANOPY_MESSAGE_ERROR) || (fd_frame && !self->fd))
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_UNSUPPORTED,
                           fd_frame ? "IXXAT: this bus was not opened for CAN FD (option fd)"
                                    : "IXXAT sends data and remote frames only");
      return FALSE;
    }
  if (fd_frame ? !canopy_length_is_valid (msg->dlc) : msg->dlc > 8)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT, "IXXAT: %u bytes is not a %s length",
                   msg->dlc, fd_frame ? "CAN FD" : "classic CAN");
      return FALSE;
    }

  flags = (fd_frame ? canopy_length_to_dlc (msg->dlc) : msg->dlc) |
          ((msg->flags & CANOPY_MESSAGE_EXTENDED) ? CANOPY_CAN_MSGFLAGS_EXT : 0) |
          ((msg->flags & CANOPY_MESSAGE_REMOTE) ? CANOPY_CAN_MSGFLAGS_RTR : 0);

  /* Waits for room in the transmit FIFO, as long as the caller allows. */
  if (self->fd)
    {
      CanopyVciCanMsg2 m = { .id = msg->arbitration_id, .type = CANOPY_CAN_MSGTYPE_DATA, .flags = flags };

      if (fd_frame)
        m.add_flags = CANOPY_CAN_MSGFLAGS2_EDL |
                      ((msg->flags & CANOPY_MESSAGE_BRS) ? CANOPY_CAN_MSGFLAGS2_FDR : 0) |
                      ((msg->flags & CANOPY_MESSAGE_ESI) ? CANOPY_CAN_MSGFLAGS2_ESI : 0);
      memcpy (m.data, msg->data, msg->dlc);
      result = self->api.channel_send_message2 (self->channel, wait_ms, &m);
    }
  else
    {
      CanopyVciCanMsg m = { .id = msg->arbitration_id, .type = CANOPY_CAN_MSGTYPE_DATA, .flags = flags };

      memcpy (m.data, msg->data, msg->dlc);
      result = self->api.channel_send_message (self->channel, wait_ms, &m);
    }
  if (result == CANOPY_VCI_OK)
    return TRUE;
  if (result == CANOPY_VCI_E_TIMEOUT || result == CANOPY_VCI_E_TXQUEUE_FULL)
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_TIMED_OUT,
                 "IXXAT CAN line %u: the transmit FIFO stayed full", self->line);
  else
    set_vci_error (self, error, CANOPY_ERROR_CONNECTION_LOST, "sending failed", result);
  return FALSE;
}

static void
close_handles (gpointer driver)
{
  CanopyIxxatBus *self = driver;
  if (self->channel != NULL)
    self->api.channel_close (self->channel);
  if (self->control != NULL)
    {
      self->api.control_start (self->control, FALSE);
      self->api.control_close (self->control);
    }
  if (self->device != NULL)
    self->api.device_close (self->device);
  self->channel = self->control = self->device = NULL;
}

static void
canopy_ixxat_bus_shutdown (CanopyBus *bus)
{
  _canopy_vendor_reader_shutdown (&CANOPY_IXXAT_BUS (bus)->reader, close_handles, bus);
}

static void
canopy_ixxat_bus_update_statistics (CanopyBus           *bus,
                                    CanopyBusStatistics *stats)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (bus);
  CanopyVciLineStatus status = { 0 };
  CanopyVciLineStatus2 status2 = { 0 };
  guint32 line_status;

  if (self->control == NULL)
    return;
  if (self->fd ? self->api.control_get_status2 (self->control, &status2) != CANOPY_VCI_OK
               : self->api.control_get_status (self->control, &status) != CANOPY_VCI_OK)
    return;
  line_status = self->fd ? status2.status : status.status;
  if (line_status & CANOPY_CAN_STATUS_BUSOFF)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_BUS_OFF);
  else if (line_status & CANOPY_CAN_STATUS_ERRLIM)
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_WARNING);
  else
    _canopy_bus_statistics_set_state (stats, CANOPY_BUS_STATE_ERROR_ACTIVE);
}

static gboolean
canopy_ixxat_bus_configure (CanopyBus   *bus,
                            const char  *channel,
                            GHashTable  *options,
                            GError     **error)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (bus);
  const char *unique_id = NULL;
  guint64 bitrate, data_bitrate, line;

  if (!_canopy_options_get_uint (options, "bitrate", 0, G_MAXUINT, &bitrate, error) ||
      !_canopy_options_get_uint (options, "data_bitrate", DEFAULT_DATA_BITRATE, G_MAXUINT, &data_bitrate, error) ||
      !_canopy_options_get_boolean (options, "fd", FALSE, &self->fd, error))
    return FALSE;

  if (!_canopy_vendor_parse_channel_number (channel, 0, 255, "an IXXAT CAN line number (0, 1, …)",
                                            &line, error))
    return FALSE;

  if (options != NULL)
    {
      unique_id = g_hash_table_lookup (options, "unique_hardware_id");
      if (unique_id == NULL)
        unique_id = g_hash_table_lookup (options, "UniqueHardwareId");
    }

  self->line = line;
  self->bitrate = bitrate;
  self->data_bitrate = data_bitrate;
  g_free (self->unique_id);
  self->unique_id = g_strdup (unique_id);
  g_free (self->library_path);
  self->library_path = g_strdup (options ? g_hash_table_lookup (options, "library") : NULL);
  return TRUE;
}

static gboolean
load_library (CanopyIxxatBus  *self,
              GError         **error)
{
  /* VCI V4's library exports the same names with CAN FD arguments: which
   * declaration a name is bound to depends on the library asked for. */
  const gboolean fd = self->fd;
  const CanopyVendorSymbol symbols[] = {
    { "canControlInitialize",
      fd ? (gpointer *) &self->api.control_initialize2 : (gpointer *) &self->api.control_initialize, FALSE },
    { "canControlGetCaps",
      fd ? (gpointer *) &self->api.control_get_caps2 : (gpointer *) &self->api.control_get_caps, FALSE },
    { "canControlGetStatus",
      fd ? (gpointer *) &self->api.control_get_status2 : (gpointer *) &self->api.control_get_status, FALSE },
    { "canChannelInitialize",
      fd ? (gpointer *) &self->api.channel_initialize2 : (gpointer *) &self->api.channel_initialize, FALSE },
    { "canChannelReadMessage",
      fd ? (gpointer *) &self->api.channel_read_message2 : (gpointer *) &self->api.channel_read_message, FALSE },
    { "canChannelSendMessage",
      fd ? (gpointer *) &self->api.channel_send_message2 : (gpointer *) &self->api.channel_send_message, FALSE },
    { "vciInitialize", (gpointer *) &self->api.initialize, FALSE },
    { "vciEnumDeviceOpen", (gpointer *) &self->api.enum_device_open, FALSE },
    { "vciEnumDeviceClose", (gpointer *) &self->api.enum_device_close, FALSE },
    { "vciEnumDeviceNext", (gpointer *) &self->api.enum_device_next, FALSE },
    { "vciDeviceOpen", (gpointer *) &self->api.device_open, FALSE },
    { "vciDeviceClose", (gpointer *) &self->api.device_close, FALSE },
    { "canControlOpen", (gpointer *) &self->api.control_open, FALSE },
    { "canControlClose", (gpointer *) &self->api.control_close, FALSE },
    { "canControlStart", (gpointer *) &self->api.control_start, FALSE },
    { "canControlSetAccFilter", (gpointer *) &self->api.control_set_acc_filter, FALSE },
    { "canChannelOpen", (gpointer *) &self->api.channel_open, FALSE },
    { "canChannelClose", (gpointer *) &self->api.channel_close, FALSE },
    { "canChannelActivate", (gpointer *) &self->api.channel_activate, FALSE },
  };

  self->module = _canopy_vendor_library_open ("ixxat", self->library_path,
                                              fd ? "CANOPY_IXXAT_FD_LIBRARY" : "CANOPY_IXXAT_LIBRARY",
                                              fd ? fd_library_names : library_names,
                                              symbols, G_N_ELEMENTS (symbols), error);
  if (self->module == NULL && fd)
    g_prefix_error (error, "CAN FD (option fd) needs IXXAT VCI V4 (vcinpl2): ");
  return self->module != NULL;
}

/* VCI V3: the tick rate of the stamps, then the SJA1000 bit timing. */
static CanopyVciResult
initialize_classic (CanopyIxxatBus *self,
                    guint           step)
{
  CanopyVciCapabilities caps = { 0 };

  if (self->api.control_get_caps (self->control, &caps) == CANOPY_VCI_OK && caps.clock_freq > 0)
    _canopy_vendor_clock_init (&self->clock, 1e9 * MAX (caps.tsc_divisor, 1) / caps.clock_freq);

  return self->api.control_initialize (self->control,
                                       CANOPY_CAN_OPMODE_STANDARD | CANOPY_CAN_OPMODE_EXTENDED |
                                       CANOPY_CAN_OPMODE_ERRFRAME,
                                       bitrates[step].btr0, bitrates[step].btr1);
}

/* A CANBTP given as a bit rate: the segments are relative, in hundredths
 * of a quantum, the form python-can's presets use, with the sample point at
 * 80 % and (for the data phase) the transceiver delay compensation there. */
static CanopyVciBitTiming
bit_timing (guint    bitrate,
            gboolean data_phase)
{
  return (CanopyVciBitTiming) {
    .mode = CANOPY_CAN_BTMODE_BITRATE,
    .bps = bitrate,
    .ts1 = data_phase ? 1600 : 6400,
    .ts2 = data_phase ? 400 : 1600,
    .sjw = data_phase ? 400 : 1600,
    .tdo = data_phase ? 1600 : 0,
  };
}

/* VCI V4: the stamps' tick rate from CANCAPABILITIES2, then the nominal
 * and data bit timings, both kinds of identifiers passing. */
static CanopyVciResult
initialize_fd (CanopyIxxatBus *self)
{
  CanopyVciCapabilities2 caps = { 0 };
  CanopyVciBitTiming nominal = bit_timing (self->bitrate, FALSE);
  CanopyVciBitTiming data = bit_timing (self->data_bitrate, TRUE);

  if (self->api.control_get_caps2 (self->control, &caps) == CANOPY_VCI_OK && caps.tsc_clock_freq > 0)
    _canopy_vendor_clock_init (&self->clock, 1e9 * MAX (caps.tsc_divisor, 1) / caps.tsc_clock_freq);

  return self->api.control_initialize2 (self->control,
                                        CANOPY_CAN_OPMODE_STANDARD | CANOPY_CAN_OPMODE_EXTENDED |
                                        CANOPY_CAN_OPMODE_ERRFRAME,
                                        CANOPY_CAN_EXMODE_EXTDATALEN | CANOPY_CAN_EXMODE_FASTDATA,
                                        CANOPY_CAN_FILTER_PASS, CANOPY_CAN_FILTER_PASS, 0, 0, &nominal, &data);
}

/* The first adapter, or the one with the asked unique hardware id. */
static gboolean
find_device (CanopyIxxatBus       *self,
             CanopyVciDeviceInfo  *info,
             GError              **error)
{
  CanopyVciHandle enumerator = NULL;
  gboolean found = FALSE;

  if (self->api.enum_device_open (&enumerator) != CANOPY_VCI_OK)
    {
      g_set_error_literal (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE,
                           "IXXAT: cannot list the adapters (is the VCI driver installed?)");
      return FALSE;
    }
  while (!found && self->api.enum_device_next (enumerator, info) == CANOPY_VCI_OK)
    {
      info->unique_hardware_id[sizeof info->unique_hardware_id - 1] = '\0';
      found = self->unique_id == NULL || g_str_equal (info->unique_hardware_id, self->unique_id);
    }
  self->api.enum_device_close (enumerator);

  if (!found)
    g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_NOT_AVAILABLE, "IXXAT: %s%s",
                 self->unique_id ? "no adapter with the unique hardware id " : "no adapter is connected",
                 self->unique_id ? self->unique_id : "");
  return found;
}

static gboolean
canopy_ixxat_bus_open (CanopyBus     *bus,
                       GCancellable  *cancellable,
                       GError       **error)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (bus);
  CanopyVciDeviceInfo info;
  g_autofree char *description = NULL;
  CanopyVciResult result;
  int step = -1;

  if (self->bitrate == 0)
    self->bitrate = canopy_bus_get_bitrate (bus) ? canopy_bus_get_bitrate (bus) : DEFAULT_BITRATE;
  for (guint i = 0; i < G_N_ELEMENTS (bitrates); i++)
    if (bitrates[i].bitrate == self->bitrate)
      step = i;
  /* VCI V4 takes any bit rate in bit/s; V3 only the controller's presets. */
  if (self->fd && (self->bitrate < 10000 || self->bitrate > 1000000 ||
                   self->data_bitrate < self->bitrate || self->data_bitrate > 12000000))
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "IXXAT CAN FD: %u bit/s nominal (10000 … 1000000) with %u bit/s data "
                   "(the nominal rate … 12000000) is not a bit timing",
                   self->bitrate, self->data_bitrate);
      return FALSE;
    }
  if (!self->fd && step < 0)
    {
      g_set_error (error, CANOPY_ERROR, CANOPY_ERROR_INVALID_ARGUMENT,
                   "IXXAT has no bit timing for %u bit/s (10000, 20000, 50000, 100000, 125000, 250000, "
                   "500000, 800000, 1000000)", self->bitrate);
      return FALSE;
    }

  if (!load_library (self, error))
    return FALSE;
  self->api.initialize ();
  if (!find_device (self, &info, error))
    return FALSE;

  if ((result = self->api.device_open (&info.object_id, &self->device)) != CANOPY_VCI_OK ||
      (result = self->api.control_open (self->device, self->line, &self->control)) != CANOPY_VCI_OK)
    {
      set_vci_error (self, error, CANOPY_ERROR_NOT_AVAILABLE, "cannot open", result);
      return FALSE;
    }

  if ((result = self->fd ? initialize_fd (self) : initialize_classic (self, step)) != CANOPY_VCI_OK)
    {
      set_vci_error (self, error, CANOPY_ERROR_INVALID_ARGUMENT, "cannot set the bit rate", result);
      return FALSE;
    }

  /* Every identifier of both kinds: filters apply here. */
  self->api.control_set_acc_filter (self->control, FALSE, 0, 0);
  self->api.control_set_acc_filter (self->control, TRUE, 0, 0);

  if ((result = self->api.control_start (self->control, TRUE)) != CANOPY_VCI_OK ||
      (result = self->api.channel_open (self->device, self->line, FALSE, &self->channel)) != CANOPY_VCI_OK ||
      (result = self->fd ? self->api.channel_initialize2 (self->channel, FIFO_SIZE, 1, FIFO_SIZE, 1, 0,
                                                           CANOPY_CAN_FILTER_PASS)
                         : self->api.channel_initialize (self->channel, FIFO_SIZE, 1, FIFO_SIZE, 1)) != CANOPY_VCI_OK ||
      (result = self->api.channel_activate (self->channel, TRUE)) != CANOPY_VCI_OK)
    {
      set_vci_error (self, error, CANOPY_ERROR_IO, "cannot start", result);
      return FALSE;
    }
  canopy_bus_set_bitrate (bus, self->bitrate);
  if (self->fd)
    canopy_bus_set_data_bitrate (bus, self->data_bitrate);

  info.description[sizeof info.description - 1] = '\0';
  if (self->fd)
    description = g_strdup_printf ("IXXAT %s (%s) CAN line %u, CAN FD %u/%u bit/s", info.description,
                                   info.unique_hardware_id, self->line, self->bitrate, self->data_bitrate);
  else
    description = g_strdup_printf ("IXXAT %s (%s) CAN line %u, %u bit/s", info.description,
                                   info.unique_hardware_id, self->line, self->bitrate);
  _canopy_bus_set_channel_info (bus, description);
  return TRUE;
}

static void
canopy_ixxat_bus_finalize (GObject *object)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (object);

  if (self->module != NULL)
    close_handles (self);
  _canopy_vendor_reader_clear (&self->reader);
  g_free (self->unique_id);
  g_free (self->library_path);

  G_OBJECT_CLASS (canopy_ixxat_bus_parent_class)->finalize (object);
}

static void
canopy_ixxat_bus_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      g_value_set_uint (value, self->line);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_ixxat_bus_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CanopyIxxatBus *self = CANOPY_IXXAT_BUS (object);

  switch (prop_id)
    {
    case PROP_CHANNEL:
      self->line = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
canopy_ixxat_bus_class_init (CanopyIxxatBusClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  CanopyBusClass *bus_class = CANOPY_BUS_CLASS (klass);

  object_class->finalize = canopy_ixxat_bus_finalize;
  object_class->get_property = canopy_ixxat_bus_get_property;
  object_class->set_property = canopy_ixxat_bus_set_property;

  bus_class->configure = canopy_ixxat_bus_configure;
  bus_class->open = canopy_ixxat_bus_open;
  bus_class->send = canopy_ixxat_bus_send;
  bus_class->recv = canopy_ixxat_bus_recv;
  bus_class->shutdown = canopy_ixxat_bus_shutdown;
  bus_class->update_statistics = canopy_ixxat_bus_update_statistics;

  /**
   * CanopyIxxatBus:channel:
   *
   * The CAN line of the adapter.
   */
  properties[PROP_CHANNEL] =
    g_param_spec_uint ("channel", NULL, NULL, 0, 255, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                        G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
canopy_ixxat_bus_init (CanopyIxxatBus *self)
{
  _canopy_vendor_reader_init (&self->reader);
  /* Until the capabilities say otherwise: microsecond ticks. */
  _canopy_vendor_clock_init (&self->clock, 1000.0);
}

void
_canopy_ixxat_bus_register (void)
{
  _canopy_interface_register ("ixxat", NULL, CANOPY_TYPE_IXXAT_BUS,
                              "HMS IXXAT adapters (VCI V3; CAN FD through VCI V4)",
                              "IXXAT's VCI library (vcinpl.dll; vcinpl2.dll with fd); channel: the CAN line, 0, 1, …");
}
