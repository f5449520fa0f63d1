/**
 * What a replica does with each KRaft request and response, and which requests its state sends
 * when (Kafka's KafkaRaftClient handle* and poll* methods). Split from raft-client.ts so the
 * client file keeps the state machine's shape (transitions) and this one its messages.
 */
import { strictExponentialBackoffMs } from './election-timing.js';
import { answerFetch, answerFetchSnapshot } from './leader-fetch.js';
import {
  RaftError,
  type BeginQuorumEpochRequest,
  type EndQuorumEpochRequest,
  type FetchRequest,
  type FetchResponse,
  type FetchSnapshotRequest,
  type FetchSnapshotResponse,
  type RaftRequest,
  type RaftResponse,
  type VoteRequest,
  type VoteResponse,
} from './messages.js';
import { randomInt } from './prng.js';
import { checkQuorumTimeoutMs } from './raft-config.js';
import { knownLeaderId, majority } from './quorum-states.js';
import type { RaftClient } from './raft-client.js';

export class RequestHandlers {
  constructor(private readonly c: RaftClient) {}

  // ---- requests -----------------------------------------------------------------------------

  /** The response to send now, or undefined when it is held (a parked fetch). */
  handleRequest(from: number, correlationId: number, request: RaftRequest, nowMs: number): RaftResponse | undefined {
    if (request.clusterId !== null && this.c.clusterId !== null && request.clusterId !== this.c.clusterId) {
      return this.errorResponse(request, RaftError.INCONSISTENT_CLUSTER_ID);
    }
    switch (request.kind) {
      case 'VoteRequest':
        return this.onVote(request, nowMs);
      case 'BeginQuorumEpochRequest':
        return this.onBeginQuorumEpoch(request, nowMs);
      case 'EndQuorumEpochRequest':
        return this.onEndQuorumEpoch(request, nowMs);
      case 'FetchRequest':
        return this.onFetch(from, correlationId, request, nowMs);
      case 'FetchSnapshotRequest':
        return this.onFetchSnapshot(request, nowMs);
    }
  }

  private errorResponse(request: RaftRequest, errorCode: number): RaftResponse {
    const leaderId = this.c.leaderId;
    const leaderEpoch = this.c.epoch;
    const currentLeader = { leaderId, leaderEpoch };
    switch (request.kind) {
      case 'VoteRequest':
        return { kind: 'VoteResponse', errorCode, leaderId, leaderEpoch, voteGranted: false };
      case 'BeginQuorumEpochRequest':
        return { kind: 'BeginQuorumEpochResponse', errorCode, leaderId, leaderEpoch };
      case 'EndQuorumEpochRequest':
        return { kind: 'EndQuorumEpochResponse', errorCode, leaderId, leaderEpoch };
      case 'FetchRequest':
        return { kind: 'FetchResponse', errorCode, highWatermark: -1, logStartOffset: -1, currentLeader, records: [] };
      case 'FetchSnapshotRequest':
        return { kind: 'FetchSnapshotResponse', errorCode, snapshotId: request.snapshotId, currentLeader, size: 0, position: 0, unalignedRecords: new Uint8Array(0) };
    }
  }

  private onVote(req: VoteRequest, nowMs: number): VoteResponse {
    const c = this.c;
    const illegalEpoch = req.preVote ? req.lastOffsetEpoch > req.candidateEpoch : req.lastOffsetEpoch >= req.candidateEpoch;
    if (illegalEpoch || req.lastOffset < 0 || req.lastOffsetEpoch < 0) return this.errorResponse(req, RaftError.INVALID_REQUEST) as VoteResponse;
    if (!c.isVoter || !c.voters.includes(req.candidateId)) return this.errorResponse(req, RaftError.INCONSISTENT_VOTER_SET) as VoteResponse;
    if (req.candidateEpoch < c.epoch) return this.errorResponse(req, RaftError.FENCED_LEADER_EPOCH) as VoteResponse;
    // Kafka moves to the higher epoch for a pre-vote too: a pre-vote carries the sender's current
    // epoch (it does not bump it), so a higher one only says this node is behind.
    if (req.candidateEpoch > c.epoch) c.becomeUnattached(req.candidateEpoch, -1, nowMs);
    const upToDate = req.lastOffsetEpoch > c.log.lastEpoch() || (req.lastOffsetEpoch === c.log.lastEpoch() && req.lastOffset >= c.log.endOffset());
    const granted = this.canGrantVote(req.candidateId, upToDate, req.preVote);
    const s = c.state;
    if (granted && !req.preVote && (s.name === 'Unattached' || s.name === 'Prospective') && s.votedId < 0) {
      c.becomeUnattached(s.epoch, req.candidateId, nowMs); // the vote is on disk before it is told
    }
    // A granted vote names no leader (KIP-996): a follower that has not reached its leader yet
    // grants pre-votes, and naming that leader would send the prospective voter back to following
    // it, the two trading places forever while the leader is gone.
    return { kind: 'VoteResponse', errorCode: RaftError.NONE, leaderId: granted ? -1 : knownLeaderId(c.state, c.nodeId), leaderEpoch: c.epoch, voteGranted: granted };
  }

  private canGrantVote(candidateId: number, upToDate: boolean, preVote: boolean): boolean {
    const s = this.c.state;
    switch (s.name) {
      case 'Unattached':
        if (preVote) return upToDate;
        return s.votedId >= 0 ? s.votedId === candidateId : upToDate;
      case 'Prospective':
        if (preVote) return upToDate;
        if (s.leaderId >= 0) return false;
        return s.votedId >= 0 ? s.votedId === candidateId : upToDate;
      case 'Candidate':
        return preVote ? upToDate : candidateId === this.c.nodeId;
      case 'Follower':
        // KIP-996: a follower still hearing from its leader does not help unseat it.
        return preVote && !s.hasFetchedFromLeader && upToDate;
      case 'Resigned':
        // A leader that stepped down wants a successor: it helps a pre-vote, never votes.
        return preVote && upToDate;
      case 'Leader':
        return false;
    }
  }

  private onBeginQuorumEpoch(req: BeginQuorumEpochRequest, nowMs: number): RaftResponse {
    const c = this.c;
    if (!c.voters.includes(req.leaderId)) return this.errorResponse(req, RaftError.INCONSISTENT_VOTER_SET);
    if (req.leaderEpoch < c.epoch) return this.errorResponse(req, RaftError.FENCED_LEADER_EPOCH);
    c.maybeTransition(req.leaderId, req.leaderEpoch, nowMs);
    return { kind: 'BeginQuorumEpochResponse', errorCode: RaftError.NONE, leaderId: c.leaderId, leaderEpoch: c.epoch };
  }

  private onEndQuorumEpoch(req: EndQuorumEpochRequest, nowMs: number): RaftResponse {
    const c = this.c;
    if (!c.voters.includes(req.leaderId)) return this.errorResponse(req, RaftError.INCONSISTENT_VOTER_SET);
    if (req.leaderEpoch < c.epoch) return this.errorResponse(req, RaftError.FENCED_LEADER_EPOCH);
    c.maybeTransition(req.leaderId, req.leaderEpoch, nowMs);
    const s = c.state;
    if (s.name === 'Follower' && s.leaderId === req.leaderId && c.isVoter) {
      // The leader is going: stand soon, the most caught-up successor first, and stop refusing
      // pre-votes on the old leader's behalf.
      const position = req.preferredSuccessors.indexOf(c.nodeId);
      s.fetchDeadlineMs = Math.min(s.fetchDeadlineMs, nowMs + strictExponentialBackoffMs(c.config, position, req.preferredSuccessors.length));
      s.hasFetchedFromLeader = false;
    }
    return { kind: 'EndQuorumEpochResponse', errorCode: RaftError.NONE, leaderId: req.leaderId, leaderEpoch: c.epoch };
  }

  private onFetch(from: number, correlationId: number, req: FetchRequest, nowMs: number): RaftResponse | undefined {
    const c = this.c;
    const ctx = c.leaderContext();
    if (req.currentLeaderEpoch < c.epoch) return this.errorResponse(req, RaftError.FENCED_LEADER_EPOCH);
    if (!ctx) return this.errorResponse(req, RaftError.NOT_LEADER_OR_FOLLOWER);
    if (req.currentLeaderEpoch > c.epoch) return this.errorResponse(req, RaftError.UNKNOWN_LEADER_EPOCH);
    const answer = answerFetch(ctx, req, nowMs, true);
    if (answer.highWatermarkMoved) this.onLeaderHighWatermark(nowMs);
    if ('park' in answer) {
      c.parked.set(from, { from, correlationId, request: req, deadlineMs: nowMs + Math.min(req.maxWaitMs, c.config.fetchMaxWaitMs) });
      return undefined;
    }
    c.parked.delete(from);
    return answer.response;
  }

  private onFetchSnapshot(req: FetchSnapshotRequest, nowMs: number): RaftResponse {
    const c = this.c;
    const ctx = c.leaderContext();
    if (req.currentLeaderEpoch < c.epoch) return this.errorResponse(req, RaftError.FENCED_LEADER_EPOCH);
    if (!ctx) return this.errorResponse(req, RaftError.NOT_LEADER_OR_FOLLOWER);
    if (req.currentLeaderEpoch > c.epoch) return this.errorResponse(req, RaftError.UNKNOWN_LEADER_EPOCH);
    return answerFetchSnapshot(ctx, req);
  }

  /** The leader's HW moved: adopt it and answer held fetches, so followers learn it at once. */
  private onLeaderHighWatermark(nowMs: number): void {
    const s = this.c.state;
    if (s.name === 'Leader') this.c.hw = s.progress.hw;
    this.completeParkedFetches(nowMs);
  }

  /** Answer held fetches (new data, a new HW, or their wait ran out). */
  completeParkedFetches(nowMs: number, onlyExpired = false): void {
    const c = this.c;
    const ctx = c.leaderContext();
    if (!ctx) return;
    for (const [from, p] of [...c.parked]) {
      if (onlyExpired && nowMs < p.deadlineMs) continue;
      const answer = answerFetch(ctx, p.request, nowMs, false);
      c.parked.delete(from);
      if ('response' in answer) c.requests.respond(p.from, p.correlationId, answer.response);
      if (answer.highWatermarkMoved) c.hw = ctx.progress.hw;
    }
  }

  // ---- responses ----------------------------------------------------------------------------

  handleResponse(from: number, response: RaftResponse, preVote: boolean, nowMs: number): void {
    const c = this.c;
    const leader = 'currentLeader' in response ? response.currentLeader : { leaderId: response.leaderId, leaderEpoch: response.leaderEpoch };
    if (c.maybeTransition(leader.leaderId, leader.leaderEpoch, nowMs)) return;
    if (leader.leaderEpoch < c.epoch && response.errorCode !== RaftError.NONE) return;
    switch (response.kind) {
      case 'VoteResponse':
        return this.onVoteResponse(from, response, preVote, nowMs);
      case 'BeginQuorumEpochResponse': {
        const s = c.state;
        if (response.errorCode !== RaftError.NONE) c.requests.backOff(from, nowMs);
        else if (s.name === 'Leader' && response.leaderEpoch === s.epoch) s.progress.acknowledge(from);
        return;
      }
      case 'EndQuorumEpochResponse': {
        const s = c.state;
        if (response.errorCode !== RaftError.NONE) c.requests.backOff(from, nowMs);
        else if (s.name === 'Resigned') s.unacknowledged.delete(from);
        return;
      }
      case 'FetchResponse':
        return this.onFetchResponse(from, response, nowMs);
      case 'FetchSnapshotResponse':
        return this.onFetchSnapshotResponse(from, response, nowMs);
    }
  }

  private onVoteResponse(from: number, res: VoteResponse, preVote: boolean, nowMs: number): void {
    const c = this.c;
    const s = c.state;
    if (res.errorCode !== RaftError.NONE || res.leaderEpoch !== s.epoch) {
      c.requests.backOff(from, nowMs);
      return;
    }
    if (s.name === 'Prospective' && preVote) {
      (res.voteGranted ? s.granted : s.rejected).add(from);
      c.maybeWinPreVote(nowMs);
    } else if (s.name === 'Candidate' && !preVote) {
      (res.voteGranted ? s.granted : s.rejected).add(from);
      c.maybeWinElection(nowMs);
      // Lost for sure: back off now rather than wait out the election timeout (no gridlock).
      if (s.rejected.size > c.voters.length - majority(c.voters.length)) c.loseElection(nowMs);
    }
  }

  private onFetchResponse(from: number, res: FetchResponse, nowMs: number): void {
    const c = this.c;
    const s = c.state;
    if (s.name !== 'Follower' || s.leaderId !== from) {
      c.requests.backOff(from, nowMs); // an observer's discovery fetch that found no leader yet
      return;
    }
    if (res.errorCode !== RaftError.NONE) {
      s.nextFetchMs = nowMs + c.config.retryBackoffMs;
      return;
    }
    s.fetchDeadlineMs = nowMs + c.config.fetchTimeoutMs;
    s.hasFetchedFromLeader = true;
    s.nextFetchMs = nowMs;
    // The first high watermark the leader names in this epoch (a new leader knows none until its
    // LeaderChange batch commits, so 0 does not count).
    if (c.firstLeaderHw.epoch !== s.epoch || c.firstLeaderHw.hw <= 0) c.firstLeaderHw = { epoch: s.epoch, hw: res.highWatermark };
    if (res.divergingEpoch) {
      c.truncateDiverging(res.divergingEpoch);
      return;
    }
    if (res.snapshotId) {
      s.download = { id: res.snapshotId, chunks: [], position: 0 };
      return;
    }
    for (const batch of res.records) {
      if (batch.baseOffset !== c.log.endOffset()) return; // not a continuation of this log: refetch
      c.log.append(batch);
    }
    c.advanceFollowerHighWatermark(res.highWatermark);
  }

  private onFetchSnapshotResponse(from: number, res: FetchSnapshotResponse, nowMs: number): void {
    const c = this.c;
    const s = c.state;
    if (s.name !== 'Follower' || s.leaderId !== from || !s.download) return;
    const d = s.download;
    if (res.errorCode !== RaftError.NONE || res.snapshotId.endOffset !== d.id.endOffset || res.snapshotId.epoch !== d.id.epoch || res.position !== d.position) {
      // The leader no longer has it (a newer one replaced it) or we lost our place: fetch again.
      s.download = null;
      s.nextFetchMs = nowMs + c.config.retryBackoffMs;
      return;
    }
    s.fetchDeadlineMs = nowMs + c.config.fetchTimeoutMs;
    s.hasFetchedFromLeader = true;
    if (res.unalignedRecords.length === 0 && d.position < res.size) {
      s.download = null; // no progress: start over rather than install a short snapshot
      s.nextFetchMs = nowMs + c.config.retryBackoffMs;
      return;
    }
    d.chunks.push(res.unalignedRecords);
    d.position += res.unalignedRecords.length;
    if (d.position < res.size) return;
    const bytes = new Uint8Array(d.position);
    let at = 0;
    for (const chunk of d.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    s.download = null;
    c.installSnapshot(d.id, bytes);
  }

  // ---- timers and outgoing requests ---------------------------------------------------------

  fireTimers(nowMs: number): void {
    const c = this.c;
    const s = c.state;
    switch (s.name) {
      case 'Unattached':
        if (c.isVoter && nowMs >= s.electionDeadlineMs) c.becomeProspective(nowMs, 0);
        return;
      case 'Prospective':
        if (nowMs >= s.electionDeadlineMs) c.becomeProspective(nowMs, s.retries);
        return;
      case 'Candidate':
        if (nowMs >= (s.backoffUntilMs ?? s.electionDeadlineMs)) c.becomeProspective(nowMs, s.retries);
        return;
      case 'Follower':
        if (nowMs >= s.fetchDeadlineMs) {
          if (c.isVoter) c.becomeProspective(nowMs, 0);
          else c.becomeUnattached(s.epoch, -1, nowMs);
        }
        return;
      case 'Leader':
        this.completeParkedFetches(nowMs, true);
        if (!s.progress.checkQuorum(nowMs, checkQuorumTimeoutMs(c.config))) c.becomeResigned([], nowMs);
        return;
      case 'Resigned':
        if (nowMs >= s.electionDeadlineMs) c.becomeProspective(nowMs, 0);
        return;
    }
  }

  sendDueRequests(nowMs: number): void {
    const c = this.c;
    const s = c.state;
    const base = { clusterId: c.clusterId };
    switch (s.name) {
      case 'Prospective':
      case 'Candidate': {
        if (s.name === 'Candidate' && s.backoffUntilMs !== null) return;
        const preVote = s.name === 'Prospective';
        for (const v of c.otherVoters()) {
          if (s.granted.has(v) || s.rejected.has(v)) continue;
          c.requests.send(v, { kind: 'VoteRequest', ...base, voterId: v, candidateEpoch: s.epoch, candidateId: c.nodeId, lastOffsetEpoch: c.log.lastEpoch(), lastOffset: c.log.endOffset(), preVote }, nowMs, preVote);
        }
        return;
      }
      case 'Leader':
        for (const v of s.progress.unacknowledged) {
          c.requests.send(v, { kind: 'BeginQuorumEpochRequest', ...base, voterId: v, leaderId: c.nodeId, leaderEpoch: s.epoch }, nowMs);
        }
        return;
      case 'Resigned':
        for (const v of s.unacknowledged) {
          c.requests.send(v, { kind: 'EndQuorumEpochRequest', ...base, leaderId: c.nodeId, leaderEpoch: s.epoch, preferredSuccessors: s.preferredSuccessors }, nowMs);
        }
        return;
      case 'Follower':
        if (nowMs < s.nextFetchMs) return;
        if (s.download) {
          c.requests.send(s.leaderId, { kind: 'FetchSnapshotRequest', ...base, replicaId: c.nodeId, maxBytes: c.config.fetchSnapshotMaxBytes, currentLeaderEpoch: s.epoch, snapshotId: s.download.id, position: s.download.position }, nowMs);
        } else {
          c.requests.send(s.leaderId, this.fetchRequest(s.epoch), nowMs);
        }
        return;
      case 'Unattached':
        // An observer finds the leader by fetching from any voter: the answer names it.
        if (!c.isVoter && c.requests.outstandingCount === 0 && c.voters.length > 0) {
          const v = c.voters[randomInt(c.random, c.voters.length)]!;
          c.requests.send(v, this.fetchRequest(s.epoch), nowMs);
        }
        return;
    }
  }

  private fetchRequest(epoch: number): FetchRequest {
    const c = this.c;
    return {
      kind: 'FetchRequest',
      clusterId: c.clusterId,
      replicaId: c.nodeId,
      maxWaitMs: c.config.fetchMaxWaitMs,
      currentLeaderEpoch: epoch,
      fetchOffset: c.log.endOffset(),
      lastFetchedEpoch: c.log.lastEpoch(),
      logStartOffset: c.log.startOffset(),
      highWatermark: c.hw,
    };
  }
}
