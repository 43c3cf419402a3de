#include "plan/TransmitPlan.h"

#include <algorithm>
#include <cstring>

namespace tpserve::plan {

namespace {

std::uint64_t part_length(const Part& part) noexcept {
    if (const auto* memory = std::get_if<MemoryPart>(&part)) return memory->bytes.size();
    if (const auto* file = std::get_if<FilePart>(&part)) return file->length;
    return 0;  // valueless: cannot happen, both alternatives copy without throwing
}

}  // namespace

std::span<std::byte> TransmitPlan::reserve(std::size_t n) {
    std::span<std::byte> space = arena_.allocate(n);
    add(std::span<const std::byte>(space.data(), space.size()));
    return space;
}

void TransmitPlan::shrink_last(std::size_t unused) {
    if (unused == 0 || parts_.size() <= first_) return;
    auto* memory = std::get_if<MemoryPart>(&parts_.back());
    if (memory == nullptr) return;
    unused = std::min(unused, memory->bytes.size());
    memory->bytes = memory->bytes.first(memory->bytes.size() - unused);
    pending_bytes_ -= unused;
    arena_.give_back(unused);
    if (memory->bytes.empty()) parts_.pop_back();
}

void TransmitPlan::copy(std::string_view text) {
    if (text.empty()) return;
    std::span<std::byte> space = reserve(text.size());
    std::memcpy(space.data(), text.data(), text.size());
}

void TransmitPlan::add(std::span<const std::byte> bytes) {
    if (bytes.empty()) return;
    pending_bytes_ += bytes.size();
    if (parts_.size() > first_) {
        // Adjacent memory merges into one part: fewer iovecs / packet elements.
        if (auto* last = std::get_if<MemoryPart>(&parts_.back());
            last != nullptr && last->bytes.data() + last->bytes.size() == bytes.data()) {
            last->bytes = {last->bytes.data(), last->bytes.size() + bytes.size()};
            return;
        }
    }
    parts_.emplace_back(MemoryPart{bytes});
}

void TransmitPlan::add(std::string_view static_text) {
    add(std::as_bytes(std::span<const char>(static_text.data(), static_text.size())));
}

void TransmitPlan::add(FileRef file, std::uint64_t offset, std::uint64_t length) {
    // A zero-length file element would mean "the whole file" to TransmitPackets.
    if (length == 0) return;
    pending_bytes_ += length;
    parts_.emplace_back(FilePart{std::move(file), offset, length});
}

void TransmitPlan::keep(std::shared_ptr<const void> owner) {
    pins_.push_back(std::move(owner));
}

std::span<const Part> TransmitPlan::pending() const noexcept {
    return std::span<const Part>(parts_).subspan(first_);
}

bool TransmitPlan::has_file_parts() const noexcept {
    return std::any_of(parts_.begin() + static_cast<std::ptrdiff_t>(first_), parts_.end(),
                       [](const Part& part) { return std::holds_alternative<FilePart>(part); });
}

void TransmitPlan::consume(std::uint64_t sent) noexcept {
    sent = std::min(sent, pending_bytes_);
    pending_bytes_ -= sent;
    while (sent > 0 && first_ < parts_.size()) {
        Part& part = parts_[first_];
        const std::uint64_t length = part_length(part);
        if (sent >= length) {
            sent -= length;
            ++first_;
            continue;
        }
        if (auto* memory = std::get_if<MemoryPart>(&part)) {
            memory->bytes = memory->bytes.subspan(static_cast<std::size_t>(sent));
        } else if (auto* file = std::get_if<FilePart>(&part)) {
            file->offset += sent;
            file->length -= sent;
        }
        sent = 0;
    }
}

void TransmitPlan::clear() noexcept {
    parts_.clear();
    pins_.clear();
    first_ = 0;
    pending_bytes_ = 0;
    arena_.clear();
    disposition = Disposition::KeepAlive;
    linger = true;
}

}  // namespace tpserve::plan
