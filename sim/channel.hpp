// The channel between two modules: an sc_fifo of tokens with registered (clock-edge) semantics, plus
// the statistics and events the layer modules need.
//
// Every module of the model acts only in the first evaluation phase of a cycle's time stamp (it
// wakes from timed waits or from the one-cycle-delayed events below, never from delta events). Under
// that rule sc_fifo behaves as a synchronous FIFO with registered flags (toolchain.md section 8): a
// word written in cycle t is readable from cycle t+1, and a slot freed by a read in cycle t can be
// written from cycle t+1. The generated RTL FIFO uses the same rule, so both agree by construction.
// Depth 1 therefore passes one word every 2 cycles; depth 2 passes one per cycle.
//
// The two one-cycle-delayed events cost a timed notification each (a priority-queue insertion in the
// SystemC kernel), so a transfer notifies them only when a process has armed them (watch_written,
// watch_read) before it sleeps on them. A process that arms an event after the transfer of the same
// cycle learns it from the return value and wakes in the next cycle by itself: either way it wakes in
// exactly the cycle the event would have woken it, so skipping unwatched notifications changes no
// cycle.
//
// Under the cycle calendar (sim/calendar.hpp) the same transfers wake the channel's reader or writer
// through the calendar instead of the events, and the channel commits its cycle's transfers when the
// calendar ends the cycle instead of in SystemC's update phase.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <systemc>
#include <vector>

namespace nnsim {

class CycleProcess;
/// The calendar's side of a transfer in cycle c - 1 (sim/calendar.cpp): the reader (written) or the
/// writer (read) is due in cycle c if it sleeps on that channel event.
void calendar_written(CycleProcess* reader, uint64_t c);
void calendar_read(CycleProcess* writer, uint64_t c);

/// What travels through a channel: one beat, that is one tensor (io_parallel) or one pixel
/// (io_stream: the last axis; a tensor of P pixels is P beats per sample, in row-major order).
struct Token {
    uint32_t sample = 0;            ///< index of the sample in the run
    uint32_t beat = 0;              ///< index of the beat within the sample
    const int64_t* data = nullptr;  ///< raw values of the beat, owned by the producer's result ring
    bool operator==(const Token& o) const { return sample == o.sample && beat == o.beat && data == o.data; }
};
inline std::ostream& operator<<(std::ostream& os, const Token& t) {
    return os << "sample " << t.sample << " beat " << t.beat;
}

/// "Wake me at the start of the next cycle", shared by every module of the model: one timed
/// notification per cycle in the kernel's queue instead of one timeout per module per cycle. Waking
/// on it is waking on a timeout of one period (the notification made in cycle t fires at the start of
/// t + 1, where timeouts fire too), so it changes no cycle.
class NextCycle {
  public:
    explicit NextCycle(const sc_core::sc_time& period) : m_period(period) {}
    /// The event to sleep on; arm() must be called in the same cycle.
    const sc_core::sc_event& arm() {
        m_event.notify(m_period);  // a second notify for the same time is ignored by the kernel
        return m_event;
    }

  private:
    sc_core::sc_time m_period;
    sc_core::sc_event m_event;
};

/// sc_fifo whose update phase only commits the cycle's reads and writes. sc_fifo's own update also
/// notifies its data_read/data_written events one delta later, which costs an extra delta cycle in
/// every cycle with a transfer; nothing in the model waits on those events (modules sleep on the
/// Channel's one-cycle-delayed events), so they are left out. The flags and counts that the modules
/// read (num_available, num_free) are exactly sc_fifo's. Its non-blocking read and write are
/// sc_fifo's too, on the same buffer and counts, but step the ring index with a compare instead of a
/// modulo (an integer division per transfer).
class TokenFifo : public sc_core::sc_fifo<Token> {
  public:
    TokenFifo(const char* name, int depth) : sc_core::sc_fifo<Token>(name, depth) {}
    bool nb_read(Token& t) override {
        if (num_available() == 0) return false;
        t = m_buf[m_ri];
        if (++m_ri == m_size) m_ri = 0;
        ++m_free;
        ++m_num_read;
        request_update();
        return true;
    }
    bool nb_write(const Token& t) override {
        if (num_free() == 0) return false;
        m_buf[m_wi] = t;
        if (++m_wi == m_size) m_wi = 0;
        --m_free;
        ++m_num_written;
        request_update();
        return true;
    }
    /// The update phase, called by the cycle calendar at the end of a cycle.
    void commit() { update(); }

  protected:
    void update() override {
        m_num_readable = m_size - m_free;
        m_num_read = 0;
        m_num_written = 0;
    }
};

class Channel {
  public:
    /// `period` is the clock period; `name` is used in reports, waveforms and the RTL.
    Channel(const std::string& name, int depth, const sc_core::sc_time& period)
        : m_name(name), m_fifo(name.c_str(), depth), m_depth(depth), m_period(period) {}

    const std::string& name() const { return m_name; }
    int depth() const { return m_depth; }
    bool can_read() const { return m_fifo.num_available() > 0; }
    bool can_write() const { return m_fifo.num_free() > 0; }
    int count() const { return m_fifo.num_available(); }

    /// Read in the current cycle `now` (requires can_read()).
    Token read(uint64_t now) {
        Token t;
        m_fifo.nb_read(t);
        ++m_reads;
        m_last_read = now;
        if (m_commits) note_transfer();
        if (m_read_watched) {
            m_read_watched = false;
            m_commits ? calendar_read(writer, now + 1) : m_read_next.notify(m_period);
        }
        return t;
    }
    /// Write in the current cycle `now` (requires can_write()).
    void write(const Token& t, uint64_t now) {
        // Slots in use this cycle: words held at the start of the cycle plus this write.
        const int used = m_depth - m_fifo.num_free() + 1;
        if (used > m_max_occupancy) m_max_occupancy = used;
        m_fifo.nb_write(t);
        ++m_writes;
        m_last_write = now;
        m_last_token = t;
        if (m_commits) note_transfer();
        if (m_written_watched) {
            m_written_watched = false;
            m_commits ? calendar_written(reader, now + 1) : m_written_next.notify(m_period);
        }
    }
    /// Notified one cycle after a write: the cycle the word becomes readable.
    const sc_core::sc_event& written_event() const { return m_written_next; }
    /// Notified one cycle after a read: the cycle the freed slot becomes writable.
    const sc_core::sc_event& read_event() const { return m_read_next; }
    /// Call in the cycle `now` a process goes to sleep on written_event(): true if a word was already
    /// written in this cycle (the process must then wake in the next cycle by itself, the event will
    /// not be notified), else the next write notifies the event.
    bool watch_written(uint64_t now) {
        if (m_last_write == now) return true;
        m_written_watched = true;
        return false;
    }
    /// The same for read_event().
    bool watch_read(uint64_t now) {
        if (m_last_read == now) return true;
        m_read_watched = true;
        return false;
    }

    /// Scheduled by the cycle calendar: transfers are listed in `commits` for the end of the cycle.
    void use_calendar(std::vector<Channel*>* commits) { m_commits = commits; }
    /// The end of a cycle under the calendar: its transfers become visible (sc_fifo's update).
    void commit() {
        m_fifo.commit();
        m_listed = false;
    }
    CycleProcess* writer = nullptr;  ///< the process that writes it (set by the calendar)
    CycleProcess* reader = nullptr;  ///< the process that reads it (set by the calendar)

    uint64_t writes() const { return m_writes; }
    uint64_t reads() const { return m_reads; }
    /// Most slots in use in any cycle (the depth this channel needed to never refuse a write).
    int max_occupancy() const { return m_max_occupancy; }
    /// For waveforms: the cycles of the last transfers and what was last written.
    uint64_t last_write() const { return m_last_write; }
    uint64_t last_read() const { return m_last_read; }
    const Token& last_token() const { return m_last_token; }

  private:
    std::string m_name;
    TokenFifo m_fifo;                 ///< storage with registered flags
    int m_depth;
    sc_core::sc_time m_period;        ///< clock period: delay of the two events
    sc_core::sc_event m_written_next; ///< see written_event()
    sc_core::sc_event m_read_next;    ///< see read_event()
    bool m_written_watched = false, m_read_watched = false;  ///< a process sleeps on the event
    uint64_t m_writes = 0, m_reads = 0;
    int m_max_occupancy = 0;
    uint64_t m_last_write = UINT64_MAX, m_last_read = UINT64_MAX;  ///< cycles of the last transfers
    Token m_last_token;               ///< last word written (for waveforms)
    std::vector<Channel*>* m_commits = nullptr;  ///< the calendar's list of channels to commit (null: kernel)
    bool m_listed = false;            ///< listed in *m_commits for the current cycle

    void note_transfer() {
        if (!m_listed) m_listed = true, m_commits->push_back(this);
    }
};

}  // namespace nnsim
