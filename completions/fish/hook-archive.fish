# fish completion for hook-archive
function __hook_archive_endpoints
	set -l spool $HOOK_SPOOL
	test -n "$spool"; or set spool (set -q XDG_STATE_HOME; and echo $XDG_STATE_HOME; or echo ~/.local/state)/hookspool
	ls $spool/endpoints 2>/dev/null
end
complete -c hook-archive -s d -l spool -r -a '(__fish_complete_directories)' -d 'spool directory'
complete -c hook-archive -l older-than -x -d 'archive what finished longer ago'
complete -c hook-archive -l export -d 'write a selection, remove nothing'
complete -c hook-archive -s o -l output -r -F -d 'export file'
complete -c hook-archive -l from -x -a 'dead done' -d 'source state'
complete -c hook-archive -l id -x -d 'only this id (- reads standard input)'
complete -c hook-archive -s t -l endpoint -x -a '(__hook_archive_endpoints)' -d 'only this endpoint'
complete -c hook-archive -s e -l event -x -d 'only these event types'
complete -c hook-archive -l since -x -d 'at or after TIME'
complete -c hook-archive -l until -x -d 'before TIME'
complete -c hook-archive -l by -x -a 'created attempt' -d 'time to filter on'
complete -c hook-archive -l outcome -x -a '2xx 3xx 4xx 5xx timeout connect dns tls network none' -d 'last outcomes'
complete -c hook-archive -l reason -x -d 'dead-letter reasons'
complete -c hook-archive -l limit -x -d 'at most N messages'
complete -c hook-archive -s z -l level -x -a '1 2 3 4 5 6 7 8 9' -d 'compression level'
complete -c hook-archive -l zstd -d 'compress with zstd'
complete -c hook-archive -l xz -d 'compress with xz'
complete -c hook-archive -s n -l dry-run -d 'list members, write nothing'
complete -c hook-archive -s q -l quiet -d 'no notes'
complete -c hook-archive -s v -l verbose -d 'say what was archived'
complete -c hook-archive -s h -l help -d 'show usage'
