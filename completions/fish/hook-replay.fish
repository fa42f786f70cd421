# fish completion for hook-replay
function __hook_replay_endpoints
	set -l spool $HOOK_SPOOL
	test -n "$spool"; or set spool (set -q XDG_STATE_HOME; and echo $XDG_STATE_HOME; or echo ~/.local/state)/hookspool
	ls $spool/endpoints 2>/dev/null
end
complete -c hook-replay -s d -l spool -r -a '(__fish_complete_directories)' -d 'spool directory'
complete -c hook-replay -l from -r -F -a 'dead done' -d 'dead, done or an archive file'
complete -c hook-replay -l id -x -d 'only this id (- reads standard input)'
complete -c hook-replay -s t -l endpoint -x -a '(__hook_replay_endpoints)' -d 'only this endpoint'
complete -c hook-replay -s e -l event -x -d 'only these event types'
complete -c hook-replay -l since -x -d 'at or after TIME'
complete -c hook-replay -l until -x -d 'before TIME'
complete -c hook-replay -l by -x -a 'created attempt' -d 'time to filter on'
complete -c hook-replay -l outcome -x -a '2xx 3xx 4xx 5xx timeout connect dns tls network none' -d 'last outcomes'
complete -c hook-replay -l reason -x -d 'dead-letter reasons'
complete -c hook-replay -l limit -x -d 'at most N messages'
complete -c hook-replay -s n -l dry-run -d 'list, change nothing'
complete -c hook-replay -l json -d 'one JSON object per message'
complete -c hook-replay -l new-id -d 'replay copies under fresh ids'
complete -c hook-replay -l to -x -a '(__hook_replay_endpoints)' -d 'send copies to another endpoint'
complete -c hook-replay -l at -x -d 'first due at TIME'
complete -c hook-replay -l delay -x -d 'first due after DURATION'
complete -c hook-replay -l rate -x -d 'at most N due per second'
complete -c hook-replay -s q -l quiet -d 'no progress, no notes'
complete -c hook-replay -s v -l verbose -d 'one line per message'
complete -c hook-replay -s h -l help -d 'show usage'
