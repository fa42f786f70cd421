# fish completion for hook-enqueue
function __hook_enqueue_endpoints
	set -l spool $HOOK_SPOOL
	test -n "$spool"; or set spool (set -q XDG_STATE_HOME; and echo $XDG_STATE_HOME; or echo ~/.local/state)/hookspool
	ls $spool/endpoints 2>/dev/null
end
complete -c hook-enqueue -s d -l spool -r -a '(__fish_complete_directories)' -d 'spool directory'
complete -c hook-enqueue -s e -l event -x -d 'event type'
complete -c hook-enqueue -s t -l to -x -a '(__hook_enqueue_endpoints)' -d 'send to an endpoint'
complete -c hook-enqueue -s u -l url -x -d 'send to a URL, unsigned'
complete -c hook-enqueue -l data -x -d 'payload text'
complete -c hook-enqueue -s f -l file -r -F -d 'payload file'
complete -c hook-enqueue -s c -l content-type -x -d 'payload media type'
complete -c hook-enqueue -s H -l header -x -d "extra header 'Name: value'"
complete -c hook-enqueue -l id -x -d 'message id'
complete -c hook-enqueue -s k -l key -x -d 'idempotency key'
complete -c hook-enqueue -l key-window -x -d 'how long a key is remembered'
complete -c hook-enqueue -l at -x -d 'first attempt at TIME'
complete -c hook-enqueue -l delay -x -d 'first attempt after DURATION'
complete -c hook-enqueue -l max-size -x -d 'largest payload'
complete -c hook-enqueue -l batch -d 'one event per line of standard input'
complete -c hook-enqueue -l batch-size -x -d 'lines per flush'
complete -c hook-enqueue -l json -d 'print JSON objects'
complete -c hook-enqueue -s q -l quiet -d 'print nothing on success'
complete -c hook-enqueue -s h -l help -d 'show usage'
